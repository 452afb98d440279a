using MlopsFlows.Domain.Approvals;

namespace MlopsFlows.Domain.Tests.Approvals;

public class PersonIdentityTests
{
    [Theory]
    [InlineData("oid-1", "ada@example.com", "oid-1", "ada@example.com", true)]
    [InlineData("oid-1", "ada@example.com", "OID-1", null, true)]
    [InlineData("oid-1", "ada@example.com", null, "ADA@Example.com", true)]
    [InlineData("oid-1", "ada@example.com", "oid-1", "renamed@example.com", true)]
    [InlineData("oid-1", "ada@example.com", "oid-2", "ada@example.com", true)]
    [InlineData("", "ada@example.com", " ", "ada@example.com", true)]
    [InlineData("oid-1", "ada@example.com", "oid-2", "bob@example.com", false)]
    [InlineData("oid-1", null, null, "ada@example.com", false)]
    [InlineData("", "", "", "", false)]
    [InlineData(null, null, null, null, false)]
    public void IsSamePersonAs_FieldsCompared_MatchesWhenEitherFieldMatches(string? oidA, string? upnA, string? oidB, string? upnB, bool same)
    {
        var a = new PersonIdentity(oidA, upnA);
        var b = new PersonIdentity(oidB, upnB);

        Assert.Equal(same, a.IsSamePersonAs(b));
        Assert.Equal(same, b.IsSamePersonAs(a));
    }

    [Theory]
    [InlineData("oid-1", null, true)]
    [InlineData(null, "ada@example.com", true)]
    [InlineData(" ", "", false)]
    [InlineData(null, null, false)]
    public void IsKnown_Fields_TrueWhenEitherIsGiven(string? oid, string? upn, bool known)
    {
        Assert.Equal(known, new PersonIdentity(oid, upn).IsKnown);
    }

    [Fact]
    public void DisplayName_BothFields_PrefersUpn()
    {
        Assert.Equal("ada@example.com", new PersonIdentity("oid-1", "ada@example.com").DisplayName);
        Assert.Equal("oid-1", new PersonIdentity("oid-1", " ").DisplayName);
    }
}
