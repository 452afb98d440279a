using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Integrations.Monitoring;
using MlopsFlows.Integrations.Tests.Datasets;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Monitoring;

public sealed class FileFeatureWindowsTests : IDisposable
{
    private const string Model = "main.credit.scorer";
    private static readonly DateTimeOffset NineOClock = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly TemporaryFolder folder = new();
    private readonly MonitoringDataOptions options;

    public FileFeatureWindowsTests()
    {
        options = new MonitoringDataOptions { Root = folder.Path };
        options.IgnoredColumns.Add("id");
        Write($"{Model}/reference.csv", "id,income,region,zip,kpi\n1,10,north,1000,1\n2,20,south,2000,0\n3,30,north,3000,1\n4,40,east,4000,1\n");
        Write($"{Model}/prod/windows/202603140900.csv", "id,income,region,zip,kpi\n5,15,north,1000,1\n6,,south,2000,0\n");
        Write($"{Model}/prod/windows/202603140905.csv", "id,income,region,zip,kpi\n7,25,west,1000,0\n8,35,,3000,\n");
        Write($"{Model}/prod/windows/202603140910.csv", "id,income,region,zip,kpi\n9,45,north,1000,1\n");
        Write($"{Model}/prod/windows/notes.csv", "id,income\n1,1\n");
        Write($"{Model}/staging/windows/202603140900.csv", "id,income,region,zip,kpi\n1,999,north,1000,1\n");
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task GetReferenceAsync_ReferenceFile_FeaturesByKindWithoutIgnoredAndKpiColumns()
    {
        options.CategoricalColumns.Add("zip");

        var reference = await Adapter().GetReferenceAsync(Model, CancellationToken.None);

        Assert.Equal(["income"], reference.Numeric.Select(c => c.Column));
        Assert.Equal(["region", "zip"], reference.Categorical.Select(c => c.Column));
        Assert.Equal([10.0, 20, 30, 40], reference.Numeric[0].Profile.SortedValues.ToArray());
        Assert.Equal(2, reference.Categorical[0].Counts["north"]);
    }

    [Fact]
    public async Task GetReferenceAsync_SameFileTwice_ProfiledOnce()
    {
        var adapter = Adapter();

        Assert.Same(await adapter.GetReferenceAsync(Model, CancellationToken.None), await adapter.GetReferenceAsync(Model, CancellationToken.None));
    }

    [Fact]
    public async Task GetWindowAsync_TwoBatchesInTheWindow_ConcatenatedWithTheirNulls()
    {
        var window = await Adapter().GetWindowAsync(Model, "prod", NineOClock, NineOClock.AddMinutes(10), CancellationToken.None);

        Assert.Equal(4, window.RowCount);
        var income = Assert.Single(window.Numeric, c => c.Column == "income");
        Assert.Equal([15.0, 25, 35], income.Values.ToArray());
        Assert.Equal(1, income.NullCount);
        var region = Assert.Single(window.Categorical, c => c.Column == "region");
        Assert.Equal((1, 1, 1L), (region.Counts["west"], region.Counts["south"], region.NullCount));
        Assert.DoesNotContain(window.Numeric, c => c.Column is "id" or "kpi");
    }

    [Fact]
    public async Task GetWindowAsync_NoBatchInTheWindow_EmptyColumnsNotMissingOnes()
    {
        var window = await Adapter().GetWindowAsync(Model, "prod", NineOClock.AddHours(1), NineOClock.AddHours(2), CancellationToken.None);
        var reference = await Adapter().GetReferenceAsync(Model, CancellationToken.None);

        var check = FeatureWindowCheck.Evaluate(reference, window, new FeatureCheckRules(0.2, 0.05, 0.5, 0.1));
        Assert.Equal(0, window.RowCount);
        Assert.Equal(DriftVerdict.Inconclusive, check.Drift);
        Assert.Empty(check.MissingColumns);
        Assert.Empty(check.QualityProblems);
    }

    [Fact]
    public async Task GetWindowAsync_BatchesStampedToTheSecond_OnlyThoseInsideTheWindow()
    {
        Write($"{Model}/prod/windows/20260314100001.csv", "id,income,region,zip,kpi\n1,11,north,1000,1\n");
        Write($"{Model}/prod/windows/20260314100002.csv", "id,income,region,zip,kpi\n2,12,north,1000,1\n");
        Write($"{Model}/prod/windows/20260314100004.csv", "id,income,region,zip,kpi\n3,14,north,1000,1\n");
        Write($"{Model}/prod/windows/20260314100004.csv.tmp", "id,income,region,zip,kpi\n4,99,north,1000,1\n");
        var ten = NineOClock.AddHours(1);

        var window = await Adapter().GetWindowAsync(Model, "prod", ten.AddSeconds(1), ten.AddSeconds(4), CancellationToken.None);

        Assert.Equal([11.0, 12], window.Numeric.Single(c => c.Column == "income").Values.ToArray());
    }

    [Fact]
    public async Task GetWindowAsync_BatchWithoutAFeature_TheFeatureIsMissing()
    {
        Write($"{Model}/prod/windows/202603140915.csv", "id,income,zip,kpi\n10,50,1000,1\n");

        var window = await Adapter().GetWindowAsync(Model, "prod", NineOClock.AddMinutes(10), NineOClock.AddMinutes(20), CancellationToken.None);

        Assert.DoesNotContain(window.Categorical, c => c.Column == "region");
        Assert.Equal([45.0, 50], window.Numeric.Single(c => c.Column == "income").Values.ToArray());
    }

    [Fact]
    public async Task GetReferenceAsync_ModelWithoutReferenceOrNoRoot_NotFound()
    {
        await Assert.ThrowsAsync<DependencyNotFoundException>(() => Adapter().GetReferenceAsync("main.other.model", CancellationToken.None));
        var unconfigured = new FileFeatureWindows(Options.Create(new MonitoringDataOptions()), NullLogger<FileFeatureWindows>.Instance);
        var error = await Assert.ThrowsAsync<DependencyNotFoundException>(() => unconfigured.GetReferenceAsync(Model, CancellationToken.None));
        Assert.Contains(MonitoringDataOptions.SectionName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_KpiColumnOfTheWindow_MeanOfItsObservations()
    {
        var kpis = new FileBusinessKpis(Options.Create(options), NullLogger<FileBusinessKpis>.Instance);

        var reading = await kpis.ReadAsync(Model, "prod", NineOClock, NineOClock.AddMinutes(10), CancellationToken.None);
        var empty = await kpis.ReadAsync(Model, "prod", NineOClock.AddHours(1), NineOClock.AddHours(2), CancellationToken.None);

        Assert.Equal(new KpiReading("kpi", 1.0 / 3, 3), reading);
        Assert.Equal(new KpiReading("kpi", null, 0), empty);
    }

    [Fact]
    public async Task GetWindowAsync_ShiftedIncomes_TheCheckSeesTheDrift()
    {
        // A larger reference and a shifted batch, end to end through the drift statistics.
        Write("main.shifted.model/reference.csv", "income\n" + string.Join('\n', Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "\n");
        Write("main.shifted.model/prod/windows/202603140900.csv", "income\n" + string.Join('\n', Enumerable.Range(150, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "\n");
        var adapter = Adapter();

        var check = FeatureWindowCheck.Evaluate(
            await adapter.GetReferenceAsync("main.shifted.model", CancellationToken.None),
            await adapter.GetWindowAsync("main.shifted.model", "prod", NineOClock, NineOClock.AddMinutes(5), CancellationToken.None),
            new FeatureCheckRules(0.2, 0.05, 0.5, 0.1));

        Assert.Equal(DriftVerdict.Drift, check.Drift);
        Assert.Equal(0.75, check.Columns[0].OutOfRangeRate!.Value, 12);
    }

    private FileFeatureWindows Adapter() => new(Options.Create(options), NullLogger<FileFeatureWindows>.Instance);

    private void Write(string relative, string content)
    {
        var path = folder.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
