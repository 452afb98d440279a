namespace MlopsFlows.DevServices.Databricks;

/// <summary>One live route of a simulated serving endpoint.</summary>
public sealed record SimulatedRoute(string ServedEntityName, string Model, int Version, int Percent);

/// <summary>One request the simulator received, for contract tests of the adapters that call it.</summary>
/// <param name="Query">The query string including its leading <c>?</c>, or empty.</param>
/// <param name="Body">The request body as text, or null when there was none.</param>
public sealed record RecordedRequest(string Method, string Path, string Query, bool HasAuthorization, string? Body)
{
    /// <summary>
    /// The <c>Authorization</c> header as sent, so contract tests can check the scheme and token. The simulator only
    /// ever sees the test tokens it was started with; <see cref="ToString"/> leaves it out all the same.
    /// </summary>
    public string? Authorization { get; init; }

    /// <summary>The <c>User-Agent</c> header as sent, or null.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The <c>Content-Type</c> header as sent, or null.</summary>
    public string? ContentType { get; init; }

    public override string ToString() => $"{Method} {Path}{Query}";
}
