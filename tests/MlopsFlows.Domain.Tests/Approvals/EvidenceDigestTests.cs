using MlopsFlows.Domain.Approvals;

namespace MlopsFlows.Domain.Tests.Approvals;

public class EvidenceDigestTests
{
    [Fact]
    public void Of_TwoHashes_IsSha256OfTheHashesOnePerLine()
    {
        // printf 'a1\nb2\n' | sha256sum
        Assert.Equal("dc670a7a6993f5f4ccdd619895af00e4adc2fda46d95cdd7e5ee745e0c49025b", EvidenceDigest.Of(["a1", "b2"]));
    }

    [Fact]
    public void Of_NoRecords_IsSha256OfNothing()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", EvidenceDigest.Of([]));
    }

    [Fact]
    public void Of_SameHashesInAnotherOrder_Differs()
    {
        Assert.NotEqual(EvidenceDigest.Of(["a1", "b2"]), EvidenceDigest.Of(["b2", "a1"]));
    }

    [Fact]
    public void Of_OneMoreRecord_Differs()
    {
        Assert.NotEqual(EvidenceDigest.Of(["a1", "b2"]), EvidenceDigest.Of(["a1", "b2", "c3"]));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a1\nb2")]
    public void Of_BlankHashOrHashWithLineFeed_Throws(string hash)
    {
        Assert.Throws<ArgumentException>(() => EvidenceDigest.Of(["a0", hash]));
    }
}
