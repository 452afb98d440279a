using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Serving;
using MlopsFlows.Domain.Statistics.Drift;
using MlopsFlows.Domain.Statistics.Slo;

namespace MlopsFlows.Domain.Tests.Monitoring;

public class BreachClassifierTests
{
    private static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 5, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowStart = At.AddMinutes(-5);

    [Fact]
    public void Classify_HealthyCheck_NoBreach()
    {
        Assert.Empty(BreachClassifier.Classify(Findings(Serving(1000, 0))));
    }

    [Fact]
    public void Classify_FastBurn_OnePageBreachNamingTheFiringRules()
    {
        var breach = Assert.Single(BreachClassifier.Classify(Findings(Serving(1000, 500))));

        Assert.Equal((BreachKind.SloBurn, IncidentSeverity.Page), (breach.Kind, breach.Severity));
        Assert.Equal((WindowStart, At), (breach.WindowStart, breach.DetectedAt));
        Assert.Contains("page-fast-burn", breach.Summary, StringComparison.Ordinal);
        Assert.Equal(3, breach.Details.Count);
        Assert.Equal(500, breach.Metrics["page-fast-burn.short"], 9);
        Assert.Equal(14.4, breach.Metrics["page-fast-burn.threshold"], 9);
    }

    [Fact]
    public void Classify_SlowSteadyBurn_ATicket()
    {
        var breach = Assert.Single(BreachClassifier.Classify(Findings(Serving(1000, 2))));

        Assert.Equal((BreachKind.SloBurn, IncidentSeverity.Ticket), (breach.Kind, breach.Severity));
        Assert.Contains("ticket-steady-burn", breach.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_LatencyOverTheCeiling_ATicket()
    {
        var breach = Assert.Single(BreachClassifier.Classify(Findings(Serving(1000, 0, p95: 400)) with { MaxP95LatencyMs = 250 }));

        Assert.Equal((BreachKind.Latency, IncidentSeverity.Ticket), (breach.Kind, breach.Severity));
        Assert.Equal(400, breach.Metrics["p95LatencyMs"]);
    }

    [Fact]
    public void Classify_LatencyWithoutRequests_NoBreach()
    {
        Assert.Empty(BreachClassifier.Classify(Findings(Serving(0, 0, p95: double.NaN)) with { MaxP95LatencyMs = 250 }));
    }

    [Fact]
    public void Classify_DatasetDriftAndQualityProblems_TwoTicketsWithTheirColumns()
    {
        var features = Features(DriftVerdict.Drift, ["income: null rate 40.0% exceeds 10.0%"]);

        var breaches = BreachClassifier.Classify(Findings(Serving(1000, 0)) with { Features = features });

        Assert.Equal([BreachKind.Drift, BreachKind.DataQuality], breaches.Select(b => b.Kind));
        Assert.All(breaches, b => Assert.Equal(IncidentSeverity.Ticket, b.Severity));
        Assert.Equal(["income: KolmogorovSmirnov 0.0001 against 0.05"], breaches[0].Details);
        Assert.Equal(0.0001, breaches[0].Metrics["income.KolmogorovSmirnov"]);
        Assert.Equal(["income: null rate 40.0% exceeds 10.0%"], breaches[1].Details);
    }

    [Fact]
    public void Classify_InconclusiveDrift_NoBreach()
    {
        Assert.Empty(BreachClassifier.Classify(Findings(Serving(1000, 0)) with { Features = Features(DriftVerdict.Inconclusive, []) }));
    }

    [Theory]
    [InlineData(0.29, true)]
    [InlineData(0.30, false)]
    public void Classify_KpiAgainstItsFloor_BreachesOnlyBelow(double kpi, bool breached)
    {
        var findings = Findings(Serving(1000, 0)) with { Kpi = new KpiReading("approval_rate", kpi, 120), MinKpi = 0.30 };

        var breaches = BreachClassifier.Classify(findings);

        Assert.Equal(breached, breaches.Any(b => b.Kind == BreachKind.Kpi && b.Severity == IncidentSeverity.Ticket));
    }

    [Fact]
    public void Classify_KpiWithoutObservations_NoBreach()
    {
        Assert.Empty(BreachClassifier.Classify(Findings(Serving(1000, 0)) with { Kpi = new KpiReading("approval_rate", null, 0), MinKpi = 0.3 }));
    }

    [Fact]
    public void Classify_BurnWithNoAttainment_LeavesTheNonFiniteFigureOut()
    {
        var burn = new SloBurnReport(0.999, ThirtyDays, [new RuleBurn("page-fast-burn", AlertSeverity.Page, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4, 20, 20, true)], null, 0);

        var breach = Assert.Single(BreachClassifier.Classify(new CheckFindings(WindowStart, At, null, null, burn, null, null, null)));

        Assert.DoesNotContain("attainment", breach.Metrics.Keys);
        Assert.All(breach.Metrics.Values, v => Assert.True(double.IsFinite(v)));
    }

    private static ServingMetrics Serving(long requests, long errors, double p95 = 80) => new(12, requests, errors, p95);

    private static CheckFindings Findings(ServingMetrics serving)
    {
        var series = SloSeries.Append([], new SloEvent(At, serving.RequestCount - serving.ErrorCount, serving.RequestCount), ThirtyDays);
        return new CheckFindings(WindowStart, At, serving, null, SloSeries.Evaluate(series, At, 0.999, ThirtyDays), null, null, null);
    }

    private static FeatureCheckResult Features(DriftVerdict verdict, IReadOnlyList<string> problems) => new(
        WindowStart,
        At,
        500,
        verdict,
        2,
        verdict == DriftVerdict.Drift ? 1 : 0,
        verdict == DriftVerdict.Drift ? 0.5 : 0,
        0.5,
        verdict == DriftVerdict.Drift ? ["income"] : [],
        [],
        problems,
        [
            new ColumnCheck("income", ColumnKind.Numeric, verdict, DriftStatistic.KolmogorovSmirnov, 0.0001, 0.05, 500, 0.4, 0, null, []),
            new ColumnCheck("region", ColumnKind.Categorical, DriftVerdict.NoDrift, DriftStatistic.ChiSquare, 0.8, 0.05, 500, 0, null, 0, []),
        ]);
}
