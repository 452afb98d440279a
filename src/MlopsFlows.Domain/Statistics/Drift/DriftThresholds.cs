namespace MlopsFlows.Domain.Statistics.Drift;

/// <summary>The statistic that decided a column's verdict.</summary>
public enum DriftStatistic
{
    /// <summary>No statistic could be computed (an empty window).</summary>
    None,
    PopulationStabilityIndex,
    KolmogorovSmirnov,
    Wasserstein,
    ChiSquare,
    JensenShannon,
}

/// <summary>Which distance judges a numeric column once samples are large.</summary>
public enum LargeSampleNumericStatistic
{
    PopulationStabilityIndex,
    Wasserstein,
}

/// <summary>
/// The default rules for judging one column, overridable by policy (<c>with { … }</c>). Small samples are judged by a
/// hypothesis test, whose p-value accounts for sampling noise; large samples by a distance, because with thousands of
/// values a test flags shifts too small to matter. Windows too small for either are inconclusive.
/// </summary>
public sealed record DriftThresholds
{
    /// <summary>The defaults described on each property.</summary>
    public static DriftThresholds Default { get; } = new();

    /// <summary>Fewer values than this on either side make the column inconclusive (default 30).</summary>
    public int MinimumSampleSize { get; init; } = 30;

    /// <summary>When the smaller window is at most this size (default 1,000) a test decides; above it a distance does.</summary>
    public int LargeSampleSize { get; init; } = 1000;

    /// <summary>A test's p-value below this means drift (default 0.05): KS for numeric, chi-square for categorical columns.</summary>
    public double Significance { get; init; } = 0.05;

    /// <summary>The distance that judges large numeric samples (default PSI).</summary>
    public LargeSampleNumericStatistic LargeSampleNumeric { get; init; } = LargeSampleNumericStatistic.PopulationStabilityIndex;

    /// <summary>PSI above this means drift (default 0.2, the usual "significant shift"); at the threshold passes.</summary>
    public double PsiThreshold { get; init; } = 0.2;

    /// <summary>Normalised Wasserstein distance above this means drift (default 0.1 reference standard deviations).</summary>
    public double WassersteinThreshold { get; init; } = 0.1;

    /// <summary>Base-2 Jensen–Shannon distance above this means drift for large categorical samples (default 0.1).</summary>
    public double JensenShannonThreshold { get; init; } = 0.1;

    /// <summary>The floor for empty PSI bins' proportions (default 1e-4).</summary>
    public double PsiEpsilon { get; init; } = PopulationStabilityIndex.DefaultEpsilon;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumSampleSize, 1, nameof(MinimumSampleSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(LargeSampleSize, MinimumSampleSize, nameof(LargeSampleSize));
        if (!(Significance > 0 && Significance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Significance), Significance, "The significance level must lie in (0, 1).");
        }

        RequirePositive(PsiThreshold, nameof(PsiThreshold));
        RequirePositive(WassersteinThreshold, nameof(WassersteinThreshold));
        RequirePositive(JensenShannonThreshold, nameof(JensenShannonThreshold));
        DriftArguments.RequireEpsilon(PsiEpsilon, nameof(PsiEpsilon));
    }

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(name, value, "A drift threshold must be a positive finite number.");
        }
    }
}
