using MlopsFlows.Integrations.Storage;

namespace MlopsFlows.Integrations.Tests.Storage;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("release:main.credit.scorer:12:prod")]
    [InlineData("a/b\\c#d?e")]
    [InlineData("bang!21 and !!")]
    [InlineData("tab\tnewline\ndel\u007fc1\u0081")]
    [InlineData("")]
    public void Escape_AnyString_RoundTripsWithoutForbiddenCharacters(string value)
    {
        var key = TableKeys.Escape(value);

        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(value, TableKeys.Unescape(key));
    }

    [Fact]
    public void Escape_OrdinaryReleaseId_IsUnchanged()
    {
        Assert.Equal("release:main.credit.scorer:12:prod", TableKeys.Escape("release:main.credit.scorer:12:prod"));
    }

    [Fact]
    public void Escape_DifferentStrings_GiveDifferentKeys()
    {
        Assert.NotEqual(TableKeys.Escape("a/b"), TableKeys.Escape("a!2Fb"));
    }

    [Fact]
    public void ForSequence_Numbers_SortAsStringsInNumericOrder()
    {
        int[] sequences = [1, 2, 9, 10, 11, 100, 999_999];

        Assert.Equal(sequences.Select(TableKeys.ForSequence), sequences.Select(TableKeys.ForSequence).Order(StringComparer.Ordinal));
        Assert.Equal("000012", TableKeys.ForSequence(12));
    }
}
