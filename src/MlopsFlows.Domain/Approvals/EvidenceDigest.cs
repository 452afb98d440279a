using System.Security.Cryptography;
using System.Text;

namespace MlopsFlows.Domain.Approvals;

/// <summary>
/// The digest of the evidence an approver was shown, to which their vote is bound.
/// </summary>
/// <remarks>
/// SHA-256 (lower-case hex) over the record hashes in order, each followed by a line feed. The chain head alone would
/// also commit to every record before it, but hashing the list lets the workflow digest exactly the evidence that was
/// shown (say, the gate records) and leave out records the approval itself writes (notifications, reminders), which
/// would otherwise move the head and make every vote stale.
/// </remarks>
public static class EvidenceDigest
{
    public static string Of(IReadOnlyList<string> recordHashes)
    {
        var text = new StringBuilder();
        foreach (var hash in recordHashes)
        {
            // A hash holding the separator would make two different lists digest alike.
            if (string.IsNullOrWhiteSpace(hash) || hash.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException("Record hashes must be non-empty and hold no line feed.", nameof(recordHashes));
            }

            text.Append(hash).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
