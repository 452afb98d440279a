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

    [Theory]
    [InlineData("20261126T104614Z-3f9a1c2e", 1)]
    [InlineData("a", 999_999)]
    [InlineData("run-1-b", 42)]
    public void ForRunSequence_AnyRunAndSequence_RoundTripsThroughParseRunSequence(string runId, int sequence)
    {
        var key = TableKeys.ForRunSequence(runId, sequence);

        Assert.Equal((runId, sequence), TableKeys.ParseRunSequence(key));
    }

    [Fact]
    public void ForRunSequence_SampleRunId_IsRunDotPaddedSequence()
    {
        Assert.Equal("20261126T104614Z-3f9a1c2e.000012", TableKeys.ForRunSequence("20261126T104614Z-3f9a1c2e", 12));
    }

    [Fact]
    public void ForRunSequence_WithinARun_SortsSequenceTwoBeforeTen()
    {
        const string run = "20261126T104614Z-3f9a1c2e";
        int[] sequences = [1, 2, 9, 10, 11, 100, 999_999];
        var keys = sequences.Select(s => TableKeys.ForRunSequence(run, s)).ToList();

        Assert.True(string.CompareOrdinal(TableKeys.ForRunSequence(run, 2), TableKeys.ForRunSequence(run, 10)) < 0);
        Assert.Equal(keys, keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RunRange_KeysOfTheRun_LieStrictlyInsideIt()
    {
        const string run = "run-1";

        foreach (var key in new[] { 1, 2, 10, 999_999 }.Select(s => TableKeys.ForRunSequence(run, s)))
        {
            Assert.True(string.CompareOrdinal(key, TableKeys.RunRangeStart(run)) > 0, key);
            Assert.True(string.CompareOrdinal(key, TableKeys.RunRangeEnd(run)) < 0, key);
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run-")]
    [InlineData("run-1-b")]
    [InlineData("run-10")]
    [InlineData("run-1a")]
    [InlineData("run-1Z")]
    [InlineData("run1")]
    [InlineData("RUN-1")]
    [InlineData("run-2")]
    public void RunRange_KeysOfAnotherRun_LieOutsideIt(string otherRun)
    {
        // Tables compare keys as strings: a run id that extends or neighbours this one must not fall in its range.
        const string run = "run-1";

        foreach (var key in new[] { 1, 999_999 }.Select(s => TableKeys.ForRunSequence(otherRun, s)))
        {
            Assert.False(
                string.CompareOrdinal(key, TableKeys.RunRangeStart(run)) > 0 && string.CompareOrdinal(key, TableKeys.RunRangeEnd(run)) < 0,
                $"{key} falls in the range of {run}");
        }
    }

    [Theory]
    [InlineData("000001")]
    [InlineData(".000001")]
    [InlineData("run-1.")]
    [InlineData("run-1.abc")]
    [InlineData("run-1.-00001")]
    public void ParseRunSequence_NotARunSequenceKey_ThrowsFormatException(string rowKey)
    {
        // "000001" is the row key evidence had before runs: it is refused, not read as run "" or sequence 0.
        Assert.Throws<FormatException>(() => TableKeys.ParseRunSequence(rowKey));
    }

    [Theory]
    [InlineData("20261126T104614Z-3f9a1c2e")]
    [InlineData("a")]
    [InlineData("-")]
    [InlineData("RUN-1")]
    public void ThrowIfNotRunId_LettersDigitsAndDashes_Passes(string runId)
    {
        var error = Record.Exception(() => TableKeys.ThrowIfNotRunId(runId));

        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("run.1")]
    [InlineData("run/1")]
    [InlineData("run\\1")]
    [InlineData("run#1")]
    [InlineData("run?1")]
    [InlineData("run 1")]
    [InlineData("run_1")]
    [InlineData("run:1")]
    [InlineData("r\u00fcn-1")]
    [InlineData("\uff11")]
    [InlineData("run-1\t")]
    public void ThrowIfNotRunId_AnythingElse_ThrowsArgumentException(string runId)
    {
        Assert.Throws<ArgumentException>(() => TableKeys.ThrowIfNotRunId(runId));
    }

    [Fact]
    public void ThrowIfNotRunId_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => TableKeys.ThrowIfNotRunId(null!));
    }

    [Fact]
    public void ThrowIfNotRunId_Length_IsAtMost64()
    {
        Assert.Null(Record.Exception(() => TableKeys.ThrowIfNotRunId(new string('a', 64))));
        Assert.Throws<ArgumentException>(() => TableKeys.ThrowIfNotRunId(new string('a', 65)));
    }
}
