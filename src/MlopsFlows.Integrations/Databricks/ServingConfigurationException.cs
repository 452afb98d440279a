namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// A serving endpoint's configuration is not one the adapter can work with (a route to an entity it does not serve, a
/// non-numeric entity version), or an update ended without the configuration that was asked for. Not transient.
/// </summary>
public sealed class ServingConfigurationException(string message) : Exception(message);
