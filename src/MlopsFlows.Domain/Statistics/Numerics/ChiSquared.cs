namespace MlopsFlows.Domain.Statistics.Numerics;

/// <summary>The chi-square distribution with df degrees of freedom (df &gt; 0, not necessarily an integer).</summary>
public static class ChiSquared
{
    /// <summary>P(X ≤ x) = P(df/2, x/2).</summary>
    public static double Cdf(double x, double df)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(df);
        return x <= 0 ? 0 : Gamma.RegularizedLower(df / 2, x / 2);
    }

    /// <summary>The p-value P(X &gt; x) = Q(df/2, x/2), computed directly so that tiny p-values keep their digits.</summary>
    public static double Sf(double x, double df)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(df);
        return x <= 0 ? 1 : Gamma.RegularizedUpper(df / 2, x / 2);
    }
}
