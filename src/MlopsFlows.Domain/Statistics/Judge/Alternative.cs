namespace MlopsFlows.Domain.Statistics.Judge;

/// <summary>The alternative hypothesis of a two-sample test, named as scipy names them (first sample vs second).</summary>
public enum Alternative
{
    /// <summary>The first sample differs from the second in either direction (scipy's default).</summary>
    TwoSided,

    /// <summary>The first sample is stochastically smaller (a smaller proportion).</summary>
    Less,

    /// <summary>The first sample is stochastically greater (a larger proportion).</summary>
    Greater,
}
