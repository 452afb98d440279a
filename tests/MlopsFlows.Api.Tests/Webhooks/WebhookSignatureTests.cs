using System.Text;
using MlopsFlows.Api.Webhooks;

namespace MlopsFlows.Api.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Fox = Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog");

    [Fact]
    public void Compute_KnownVector_IsTheHmacSha256Hex()
    {
        // The well-known HMAC-SHA256 test vector (key "key"), as Python's hmac.new(...).hexdigest() prints it.
        Assert.Equal("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", WebhookSignature.Compute("key", Fox));
    }

    [Theory]
    [InlineData("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", true)]
    [InlineData("F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8", true)]
    [InlineData("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd9", false)]
    [InlineData("f7bc83f4", false)]
    [InlineData("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3c", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Matches_Signature_AcceptsOnlyTheBodysHmac(string? signature, bool expected)
    {
        Assert.Equal(expected, WebhookSignature.Matches("key", Fox, signature));
    }
}
