using System.Security.Cryptography;
using System.Text;

namespace MlopsFlows.Api.Webhooks;

/// <summary>HMAC-SHA256 of the raw body under a shared secret, written as hex (the registry-webhook convention).</summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-Databricks-Signature";

    /// <summary>The lower-case hex signature of <paramref name="body"/>: what a sender puts in <see cref="HeaderName"/>.</summary>
    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>
    /// Whether <paramref name="signature"/> (hex, either case) is the body's signature. The comparison takes the same
    /// time wherever the first difference is, so a caller cannot find the signature byte by byte.
    /// </summary>
    public static bool Matches(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(signature) || signature.Length != 2 * HMACSHA256.HashSizeInBytes)
        {
            return false;
        }

        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, claimed);
    }
}
