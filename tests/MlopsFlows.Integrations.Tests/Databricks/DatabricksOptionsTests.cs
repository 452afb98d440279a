using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Tests.Support;

namespace MlopsFlows.Integrations.Tests.Databricks;

public sealed class DatabricksOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new DatabricksOptions();

        Assert.Equal(TimeSpan.FromMinutes(20), options.ConfigUpdateTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConfigUpdatePollInterval);
        Assert.Equal(3, options.RetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.RequestTimeout);
        Assert.Null(options.Token);
    }

    [Theory]
    [InlineData(null, "WorkspaceUrl")]
    [InlineData("not a url", "WorkspaceUrl")]
    [InlineData("ftp://adb-1.azuredatabricks.net", "WorkspaceUrl")]
    public void Validate_BadWorkspaceUrl_FailsAtStart(string? workspaceUrl, string expected)
    {
        var failures = ValidationFailures(new Dictionary<string, string?> { ["MlopsFlows:Databricks:WorkspaceUrl"] = workspaceUrl });

        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RequestTimeoutNotAboveAttemptTimeout_FailsAtStart()
    {
        var failures = ValidationFailures(new Dictionary<string, string?>
        {
            ["MlopsFlows:Databricks:WorkspaceUrl"] = "https://adb-1.azuredatabricks.net",
            ["MlopsFlows:Databricks:AttemptTimeout"] = "00:00:30",
            ["MlopsFlows:Databricks:RequestTimeout"] = "00:00:30",
        });

        Assert.Contains(failures, f => f.Contains("RequestTimeout must be longer than AttemptTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GoodSettings_Pass()
    {
        StartValidation(new Dictionary<string, string?> { ["MlopsFlows:Databricks:WorkspaceUrl"] = "https://adb-1.azuredatabricks.net" });
    }

    private static void StartValidation(Dictionary<string, string?> settings)
    {
        using var services = new ServiceCollection().AddLogging().AddDatabricksIntegration(TestServices.Configuration(settings)).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    /// <summary>Every failure start-up validation reports (one exception, or several in an AggregateException).</summary>
    private static IReadOnlyList<string> ValidationFailures(Dictionary<string, string?> settings)
    {
        var error = Assert.ThrowsAny<Exception>(() => StartValidation(settings));
        var errors = error is AggregateException aggregate ? aggregate.InnerExceptions : [error];
        return [.. errors.Select(e => Assert.IsType<OptionsValidationException>(e)).SelectMany(e => e.Failures)];
    }
}
