using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MlopsFlows.Domain.Policies;

/// <summary>Content hash of a policy: the same rules always give the same hash, whatever their source.</summary>
public static class PolicyHash
{
    public static string Of(ReleasePolicy policy)
    {
        var text = new StringBuilder()
            .Append("id=").Append(policy.Id).Append('\n')
            .Append("version=").Append(policy.Version).Append('\n')
            .Append("tier=").Append(policy.RiskTier).Append('\n')
            .Append("approval=").Append(policy.RequiresApproval).Append(';').Append(Ticks(policy.ApprovalTimeout)).Append('\n')
            .Append("canary=").Append(policy.CanaryTrafficPercent).Append(';').Append(Ticks(policy.BakeTime)).Append(';').Append(Ticks(policy.WatchInterval)).Append('\n')
            .Append("slo=").Append(Number(policy.Slo.MaxP95LatencyMs)).Append(';').Append(Number(policy.Slo.MaxErrorRate)).Append('\n');
        foreach (var gate in policy.Gates)
        {
            text.Append("gate=").Append(gate.Metric).Append(';').Append(gate.Comparison).Append(';').Append(Number(gate.Threshold)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Ticks(TimeSpan value) => value.Ticks.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
