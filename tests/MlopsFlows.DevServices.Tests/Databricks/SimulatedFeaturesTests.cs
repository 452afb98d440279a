using System.Globalization;
using System.Net;
using MlopsFlows.DevServices.Databricks;
using MlopsFlows.DevServices.Tests.Support;

namespace MlopsFlows.DevServices.Tests.Databricks;

/// <summary><c>POST /sim/features</c> and <see cref="DatabricksSimulator.WriteFeatures"/>: feature files where the monitor reads them.</summary>
public sealed class SimulatedFeaturesTests
{
    private const string Model = "main.credit.scorer";

    [Fact]
    public async Task PostFeatures_Seconds_WritesTheReferenceOnceAndOneBatchPerSecondStampedToTheSecond()
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.SendAsync(
            HttpMethod.Post, "sim/features", """{"model":"Main.Credit.Scorer","environment":"prod","rows":50,"seconds":3,"from":"2026-03-14T09:15:02.750Z"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, (int)body!["batches"]!);
        var windows = Path.Combine(session.Simulator.FeatureDataRoot, Model, "prod", "windows");
        Assert.Equal(["20260314091502.csv", "20260314091503.csv", "20260314091504.csv"], Directory.GetFiles(windows).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var reference = File.ReadAllLines(Path.Combine(session.Simulator.FeatureDataRoot, Model, "reference.csv"));
        Assert.Equal("income,age,utilisation,region", reference[0]);
        Assert.Equal(SimulatedFeatures.ReferenceRows + 1, reference.Length);
        Assert.Equal(51, File.ReadAllLines(Path.Combine(windows, "20260314091502.csv")).Length);
    }

    [Fact]
    public async Task WriteFeatures_SameBatchTwice_SameBytes_AndAShiftMovesTheMeans()
    {
        await using var session = await SimulatorSession.StartAsync();
        var from = new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
        var simulator = session.Simulator;

        simulator.WriteFeatures(Model, "prod", from, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), 2_000);
        var healthy = File.ReadAllBytes(Batch(simulator, "20260314090000"));
        simulator.WriteFeatures(Model, "prod", from, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), 2_000);
        simulator.WriteFeatures(Model, "staging", from, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), 2_000, shift: 3);

        Assert.Equal(healthy, File.ReadAllBytes(Batch(simulator, "20260314090000")));
        var reference = MeanIncome(Path.Combine(simulator.FeatureDataRoot, Model, "reference.csv"));
        Assert.InRange(MeanIncome(Batch(simulator, "20260314090000")) - reference, -1_500, 1_500);
        Assert.InRange(MeanIncome(Batch(simulator, "20260314090000", "staging")) - reference, 3 * 12_000 - 1_500, 3 * 12_000 + 1_500);
    }

    [Theory]
    [InlineData("""{"model":"scorer","environment":"prod"}""", "three-part")]
    [InlineData("""{"model":"main.credit.scorer","environment":"9prod"}""", "environment")]
    [InlineData("""{"model":"main.credit.scorer","environment":"prod","shift":11}""", "shift")]
    [InlineData("""{"model":"main.credit.scorer","environment":"prod","rows":0}""", "rows")]
    [InlineData("""{"model":"main.credit.scorer","environment":"prod","batchSeconds":0.5}""", "batchSeconds")]
    [InlineData("""{"model":"main.credit.scorer","environment":"prod","seconds":1e12}""", "seconds")]
    public async Task PostFeatures_BadRequest_Returns400AndWritesNothing(string json, string named)
    {
        await using var session = await SimulatorSession.StartAsync();

        var (status, body) = await session.SendAsync(HttpMethod.Post, "sim/features", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, (string?)body!["message"], StringComparison.Ordinal);
        Assert.False(Directory.Exists(session.Simulator.FeatureDataRoot) && Directory.EnumerateFileSystemEntries(session.Simulator.FeatureDataRoot).Any());
    }

    [Fact]
    public async Task Dispose_OwnFolder_Deleted()
    {
        var session = await SimulatorSession.StartAsync();
        session.Simulator.WriteFeatures(Model, "prod", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 10);
        var root = session.Simulator.FeatureDataRoot;

        await session.DisposeAsync();

        Assert.False(Directory.Exists(root));
    }

    private static string Batch(DatabricksSimulator simulator, string stamp, string environment = "prod") =>
        Path.Combine(simulator.FeatureDataRoot, Model, environment, "windows", stamp + ".csv");

    private static double MeanIncome(string path) =>
        File.ReadLines(path).Skip(1).Average(line => double.Parse(line[..line.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture));
}
