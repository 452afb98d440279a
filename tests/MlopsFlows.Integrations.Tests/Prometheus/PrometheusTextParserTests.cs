using MlopsFlows.Integrations.Prometheus;

namespace MlopsFlows.Integrations.Tests.Prometheus;

public sealed class PrometheusTextParserTests
{
    [Fact]
    public void Parse_CommentsAndBlankLines_AreSkipped()
    {
        var samples = PrometheusTextParser.Parse("""
            # HELP request_count_total Requests answered.
            # TYPE request_count_total counter

            request_count_total 42
            """);

        var sample = Assert.Single(samples);
        Assert.Equal("request_count_total", sample.Name);
        Assert.Empty(sample.Labels);
        Assert.Equal(42, sample.Value);
    }

    [Fact]
    public void Parse_Labels_AreReadWithEscapes()
    {
        var samples = PrometheusTextParser.Parse("metric{a=\"plain\", b=\"quote \\\" slash \\\\ newline \\n end\",c=\"\",} 1.5e3\n");

        var sample = Assert.Single(samples);
        Assert.Equal("plain", sample.Label("a"));
        Assert.Equal("quote \" slash \\ newline \n end", sample.Label("b"));
        Assert.Equal(string.Empty, sample.Label("c"));
        Assert.Null(sample.Label("d"));
        Assert.Equal(1500, sample.Value);
    }

    [Theory]
    [InlineData("m +Inf", double.PositiveInfinity)]
    [InlineData("m -Inf", double.NegativeInfinity)]
    [InlineData("m NaN", double.NaN)]
    [InlineData("m -0.25", -0.25)]
    [InlineData("m 7 1732615200000", 7)]
    [InlineData("m{le=\"0.5\"}\t3", 3)]
    [InlineData("ns:m_total 2", 2)]
    public void Parse_SampleValues_AreRead(string line, double expected)
    {
        Assert.Equal(expected, Assert.Single(PrometheusTextParser.Parse(line)).Value);
    }

    [Fact]
    public void Parse_CrLfLineEndings_AreAccepted()
    {
        var samples = PrometheusTextParser.Parse("a 1\r\nb{x=\"y\"} 2\r\n");

        Assert.Equal([("a", 1.0), ("b", 2.0)], samples.Select(s => (s.Name, s.Value)));
    }

    [Theory]
    [InlineData("m{a=\"unterminated} 1")]
    [InlineData("m{a=unquoted} 1")]
    [InlineData("m{a=\"x\" b=\"y\"} 1")]
    [InlineData("m one")]
    [InlineData("m")]
    [InlineData("m 1 notatime")]
    [InlineData("m 1 2 3")]
    [InlineData("9metric 1")]
    [InlineData("m{a=\"bad \\x escape\"} 1")]
    public void Parse_MalformedLine_ThrowsFormatExceptionNamingTheLine(string line)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("ok 1\n" + line));

        Assert.StartsWith("Prometheus text line 2:", error.Message, StringComparison.Ordinal);
    }
}
