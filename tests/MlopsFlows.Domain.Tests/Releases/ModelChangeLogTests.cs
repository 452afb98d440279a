using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Domain.Tests.Releases;

public class ModelChangeLogTests
{
    [Fact]
    public void Compare_MetricsChangedAddedAndRemoved_ListsEachWithBothValuesAndDelta()
    {
        var champion = Snapshot(metrics: new() { ["auc"] = 0.80, ["log_loss"] = 0.45, ["recall"] = 0.6, ["accuracy"] = 0.9 });
        var candidate = Snapshot(metrics: new() { ["auc"] = 0.83, ["log_loss"] = 0.40, ["brier"] = 0.12, ["accuracy"] = 0.9 });

        var log = ModelChangeLog.Compare(champion, candidate);

        Assert.Equal(["auc", "brier", "log_loss", "recall"], log.Metrics.Select(m => m.Name));
        var auc = log.Metrics[0];
        Assert.Equal((0.80, 0.83), (auc.Champion, auc.Candidate));
        Assert.Equal(0.03, auc.Delta!.Value, precision: 12);
        Assert.Equal(new MetricChange("brier", null, 0.12, null), log.Metrics[1]);
        Assert.Equal(-0.05, log.Metrics[2].Delta!.Value, precision: 12);
        Assert.Equal(new MetricChange("recall", 0.6, null, null), log.Metrics[3]);
    }

    [Fact]
    public void Compare_NaNOnBothSides_IsNoChange_NaNOnOneSide_IsAChangeWithNaNDelta()
    {
        var champion = Snapshot(metrics: new() { ["still_nan"] = double.NaN, ["became_nan"] = 0.5 });
        var candidate = Snapshot(metrics: new() { ["still_nan"] = double.NaN, ["became_nan"] = double.NaN });

        var change = Assert.Single(ModelChangeLog.Compare(champion, candidate).Metrics);

        Assert.Equal("became_nan", change.Name);
        Assert.True(double.IsNaN(change.Delta!.Value));
    }

    [Fact]
    public void Compare_Params_ListsAddedRemovedAndChangedInOrdinalOrder()
    {
        var champion = Snapshot(parameters: new() { ["max_depth"] = "6", ["algorithm"] = "gbm", ["Seed"] = "1", ["subsample"] = "0.8" });
        var candidate = Snapshot(parameters: new() { ["max_depth"] = "8", ["algorithm"] = "gbm", ["seed"] = "1", ["learning_rate"] = "0.05" });

        var log = ModelChangeLog.Compare(champion, candidate);

        Assert.Equal(
            [
                new ParamChange("Seed", "1", null),
                new ParamChange("learning_rate", null, "0.05"),
                new ParamChange("max_depth", "6", "8"),
                new ParamChange("seed", null, "1"),
                new ParamChange("subsample", "0.8", null),
            ],
            log.Params);
    }

    [Fact]
    public void Compare_Features_ListsAddedAndRemovedSortedAndOnce()
    {
        var champion = Snapshot(features: ["income", "age", "debt_ratio"]);
        var candidate = Snapshot(features: ["utilisation", "income", "debt_ratio", "delinquencies", "utilisation"]);

        var log = ModelChangeLog.Compare(champion, candidate);

        Assert.Equal(["delinquencies", "utilisation"], log.FeaturesAdded);
        Assert.Equal(["age"], log.FeaturesRemoved);
    }

    [Fact]
    public void Compare_SameVersionTwice_IsEmpty()
    {
        var version = Snapshot(new() { ["auc"] = 0.8 }, new() { ["max_depth"] = "6" }, ["income"]);

        var log = ModelChangeLog.Compare(version, version with { });

        Assert.Equal((0, 0, 0, 0), (log.Metrics.Count, log.Params.Count, log.FeaturesAdded.Count, log.FeaturesRemoved.Count));
    }

    private static ModelSnapshot Snapshot(Dictionary<string, double>? metrics = null, Dictionary<string, string>? parameters = null, string[]? features = null) =>
        new(metrics ?? [], parameters ?? [], features ?? []);
}
