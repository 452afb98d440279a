namespace MlopsFlows.Workflows.Ports;

/// <summary>A dependency failed in a way worth retrying: throttling (429), a server error (5xx) or a timeout.</summary>
public sealed class TransientDependencyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A dependency says the thing asked for does not exist (404). Retrying will not help.</summary>
public sealed class DependencyNotFoundException(string message) : Exception(message);
