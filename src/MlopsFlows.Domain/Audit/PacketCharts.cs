using static MlopsFlows.Domain.Audit.PacketFormat;

namespace MlopsFlows.Domain.Audit;

/// <summary>
/// The packet's charts as inline SVG, drawn here so the page needs no script or library to show them and prints as it
/// reads. Every coloured mark also carries its verdict or value in text.
/// </summary>
internal static class PacketCharts
{
    private const double PlotTop = 30;
    private const double PlotHeight = 130;
    private const double AxisLeft = 64;
    private const double MarginRight = 24;

    // Room right of the plot for the SLO line's label, so it never sits on a bar's value.
    private const double SloLabelRoom = 76;

    /// <summary>
    /// One bar per SLO watch of a step: the candidate's value of one metric, the SLO limit as a dashed line. A bar is
    /// red above the limit and green within it; under it, the watch's sequence and its overall verdict.
    /// </summary>
    public static Markup WatchBars(
        string metricId, string title, string stepLabel, IReadOnlyList<WatchEntry> watches, Func<WatchEntry, double?> value, double? limit, Func<double?, string> format)
    {
        const double slot = 64;
        const double bottom = 46;
        var width = Math.Max(300, AxisLeft + (Math.Max(watches.Count, 1) * slot)) + SloLabelRoom;
        var plotRight = width - SloLabelRoom;
        var height = PlotTop + PlotHeight + bottom;
        var baseline = PlotTop + PlotHeight;
        var observed = watches.Select(value).OfType<double>().Where(double.IsFinite).ToList();
        var top = RoundUp(Math.Max(observed.DefaultIfEmpty(0).Max(), limit ?? 0) * 1.1);
        double Y(double v) => baseline - (Math.Clamp(v, 0, top) / top * PlotHeight);

        var label = $"{title} of the candidate per SLO watch in step {stepLabel}"
            + (limit is null ? ", no SLO recorded" : $", SLO {format(limit)}");
        var svg = new HtmlWriter();
        svg.Append($"<svg class=\"chart watch-chart\" data-metric=\"{metricId}\" viewBox=\"0 0 {Coordinate(width)} {Coordinate(height)}\" width=\"{Coordinate(width)}\" height=\"{Coordinate(height)}\" role=\"img\" aria-label=\"{label}\">\n<title>{label}</title>\n");
        svg.Append($"<text class=\"chart-title\" x=\"{Coordinate(AxisLeft)}\" y=\"16\">{title}</text>\n");
        foreach (var fraction in new[] { 0, 0.5, 1 })
        {
            var y = Coordinate(Y(top * fraction));
            svg.Append($"<line class=\"grid\" x1=\"{Coordinate(AxisLeft)}\" x2=\"{Coordinate(plotRight)}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick\" x=\"{Coordinate(AxisLeft - 6)}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{format(top * fraction)}</text>\n");
        }

        svg.Append($"<line class=\"axis\" x1=\"{Coordinate(AxisLeft)}\" x2=\"{Coordinate(plotRight)}\" y1=\"{Coordinate(baseline)}\" y2=\"{Coordinate(baseline)}\"/>\n");
        for (var i = 0; i < watches.Count; i++)
        {
            var watch = watches[i];
            var centre = AxisLeft + (i * slot) + (slot / 2);
            var reading = value(watch);
            if (reading is double v && double.IsFinite(v))
            {
                var tone = limit is double max ? (v > max ? Tone.Fail : Tone.Pass) : ToneOf(watch.Verdict);
                var barWidth = slot * 0.62;
                var y = Y(v);
                svg.Append($"<rect class=\"bar {CssClass(tone)}\" x=\"{Coordinate(centre - (barWidth / 2))}\" y=\"{Coordinate(y)}\" width=\"{Coordinate(barWidth)}\" height=\"{Coordinate(Math.Max(baseline - y, 0.5))}\"><title>Watch #{watch.Sequence}: {format(v)} ({Words(watch.Verdict)})</title></rect>");

                // A value written just above its bar would be struck through by a nearby SLO line: write it inside the bar.
                var struckThrough = limit is double near && Math.Abs(y - 8 - Y(near)) < 8 && baseline - y > 18;
                svg.Append(struckThrough
                    ? Markup.Of($"<text class=\"value on-tone\" x=\"{Coordinate(centre)}\" y=\"{Coordinate(y + 13)}\" text-anchor=\"middle\">{format(v)}</text>\n")
                    : Markup.Of($"<text class=\"value\" x=\"{Coordinate(centre)}\" y=\"{Coordinate(y - 4)}\" text-anchor=\"middle\">{format(v)}</text>\n"));
            }
            else
            {
                svg.Append($"<text class=\"value muted\" x=\"{Coordinate(centre)}\" y=\"{Coordinate(baseline - 6)}\" text-anchor=\"middle\">no data</text>\n");
            }

            svg.Append($"<text class=\"tick\" x=\"{Coordinate(centre)}\" y=\"{Coordinate(baseline + 15)}\" text-anchor=\"middle\">#{watch.Sequence}</text>");
            svg.Append($"<text class=\"verdict-word {CssClass(ToneOf(watch.Verdict))}\" x=\"{Coordinate(centre)}\" y=\"{Coordinate(baseline + 30)}\" text-anchor=\"middle\">{Words(watch.Verdict)}</text>\n");
        }

        if (watches.Count == 0)
        {
            svg.Append($"<text class=\"muted\" x=\"{Coordinate((AxisLeft + plotRight) / 2)}\" y=\"{Coordinate(baseline - (PlotHeight / 2))}\" text-anchor=\"middle\">no SLO watch recorded in this step</text>\n");
        }

        if (limit is double sloLimit)
        {
            var y = Coordinate(Y(sloLimit));
            svg.Append($"<line class=\"slo-line\" x1=\"{Coordinate(AxisLeft)}\" x2=\"{Coordinate(plotRight)}\" y1=\"{y}\" y2=\"{y}\"><title>SLO {format(sloLimit)}</title></line>");
            svg.Append($"<text class=\"slo-label\" x=\"{Coordinate(plotRight + 6)}\" y=\"{y}\" dy=\"4\">SLO {format(sloLimit)}</text>\n");
        }
        else
        {
            svg.Append($"<text class=\"muted\" x=\"{Coordinate(width)}\" y=\"16\" text-anchor=\"end\">no SLO recorded</text>\n");
        }

        svg.Append($"</svg>");
        return new Markup(svg.ToString());
    }

    /// <summary>The judge's verdict per metric as labelled tiles, four to a row.</summary>
    public static Markup JudgeTiles(string stepLabel, JudgeEntry judge)
    {
        const double tileWidth = 200;
        const double tileHeight = 52;
        const double gap = 8;
        const int perRow = 4;
        var columns = Math.Clamp(judge.Metrics.Count, 1, perRow);
        var rows = Math.Max(1, (judge.Metrics.Count + perRow - 1) / perRow);
        var width = (columns * tileWidth) + ((columns - 1) * gap);
        var height = (rows * tileHeight) + ((rows - 1) * gap);
        var label = $"The judge's verdict per metric in step {stepLabel}: "
            + (judge.Metrics.Count == 0 ? "no metric judged" : string.Join(", ", judge.Metrics.Select(m => $"{m.Metric} {Words(m.Outcome)}")));

        var svg = new HtmlWriter();
        svg.Append($"<svg class=\"chart judge-tiles\" viewBox=\"0 0 {Coordinate(width)} {Coordinate(height)}\" width=\"{Coordinate(width)}\" height=\"{Coordinate(height)}\" role=\"img\" aria-label=\"{label}\">\n<title>{label}</title>\n");
        for (var i = 0; i < judge.Metrics.Count; i++)
        {
            var metric = judge.Metrics[i];
            var x = i % perRow * (tileWidth + gap);
            var y = i / perRow * (tileHeight + gap);
            var name = metric.Metric.Length > 26 ? string.Concat(metric.Metric.AsSpan(0, 25), "…") : metric.Metric;
            svg.Append($"<g class=\"tile\"><rect class=\"{CssClass(ToneOf(metric.Outcome))}\" x=\"{Coordinate(x)}\" y=\"{Coordinate(y)}\" width=\"{Coordinate(tileWidth)}\" height=\"{Coordinate(tileHeight)}\" rx=\"5\"><title>{metric.Metric}: {Words(metric.Outcome)}. {metric.Reason}</title></rect>");
            svg.Append($"<text class=\"on-tone strong\" x=\"{Coordinate(x + 10)}\" y=\"{Coordinate(y + 21)}\">{name}</text>");
            svg.Append($"<text class=\"on-tone\" x=\"{Coordinate(x + 10)}\" y=\"{Coordinate(y + 40)}\">{Words(metric.Outcome)} · observed {Number(metric.Observed)}</text></g>\n");
        }

        if (judge.Metrics.Count == 0)
        {
            svg.Append($"<text class=\"muted\" x=\"8\" y=\"30\">no metric judged</text>\n");
        }

        svg.Append($"</svg>");
        return new Markup(svg.ToString());
    }

    /// <summary>
    /// The candidate's share of traffic as a step line: one level per deployment step, then the level the decision
    /// left (100% promoted, 0% rolled back) when the manifest records the traffic after it.
    /// </summary>
    public static Markup TrafficSteps(IReadOnlyList<DeploymentStep> steps, int candidateVersion, DeploymentDecision decision)
    {
        const double slot = 120;
        const double bottom = 40;
        var points = steps.Select(s => (Label: s.Label, Percent: s.CandidatePercent ?? CandidateShare(s.Routes, candidateVersion) ?? 0)).ToList();
        if (CandidateShare(decision.TrafficAfter, candidateVersion) is int after)
        {
            points.Add(($"after: {Words(decision.Outcome)}", after));
        }
        else if (decision.TrafficAfter.Count > 0)
        {
            // Traffic after the decision without the candidate: it serves none.
            points.Add(($"after: {Words(decision.Outcome)}", 0));
        }

        var width = AxisLeft + MarginRight + (Math.Max(points.Count, 1) * slot);
        var height = PlotTop + PlotHeight + bottom;
        var baseline = PlotTop + PlotHeight;
        double Y(int percent) => baseline - (Math.Clamp(percent, 0, 100) / 100.0 * PlotHeight);
        double X(int index) => AxisLeft + 16 + (index * slot);

        var label = "Candidate traffic per step: " + string.Join(", ", points.Select(p => $"{p.Label} {p.Percent}%"));
        var svg = new HtmlWriter();
        svg.Append($"<svg class=\"chart traffic-chart\" viewBox=\"0 0 {Coordinate(width)} {Coordinate(height)}\" width=\"{Coordinate(width)}\" height=\"{Coordinate(height)}\" role=\"img\" aria-label=\"{label}\">\n<title>{label}</title>\n");
        svg.Append($"<text class=\"chart-title\" x=\"{Coordinate(AxisLeft)}\" y=\"16\">Traffic to v{candidateVersion} (% of requests)</text>\n");
        foreach (var percent in new[] { 0, 25, 50, 75, 100 })
        {
            var y = Coordinate(Y(percent));
            svg.Append($"<line class=\"grid\" x1=\"{Coordinate(AxisLeft)}\" x2=\"{Coordinate(width - MarginRight)}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick\" x=\"{Coordinate(AxisLeft - 6)}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{percent}%</text>\n");
        }

        if (points.Count > 0)
        {
            var path = new System.Text.StringBuilder($"M{Coordinate(X(0))} {Coordinate(Y(points[0].Percent))}");
            for (var i = 1; i < points.Count; i++)
            {
                path.Append($" H{Coordinate(X(i))} V{Coordinate(Y(points[i].Percent))}");
            }

            path.Append($" H{Coordinate(X(points.Count - 1) + (slot * 0.6))}");
            svg.Append($"<path class=\"traffic-line\" d=\"{path.ToString()}\"/>\n");
        }

        for (var i = 0; i < points.Count; i++)
        {
            var (pointLabel, percent) = points[i];
            svg.Append($"<circle class=\"traffic-point\" cx=\"{Coordinate(X(i))}\" cy=\"{Coordinate(Y(percent))}\" r=\"4\"><title>{pointLabel}: {percent}%</title></circle>");
            svg.Append($"<text class=\"value\" x=\"{Coordinate(X(i) + 6)}\" y=\"{Coordinate(Y(percent) - 7)}\">{percent}%</text>");
            svg.Append($"<text class=\"tick\" x=\"{Coordinate(X(i))}\" y=\"{Coordinate(baseline + 16)}\">{pointLabel}</text>\n");
        }

        svg.Append($"</svg>");
        return new Markup(svg.ToString());
    }

    /// <summary>The top of an axis: the first round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) not below the value.</summary>
    private static double RoundUp(double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var multiple in (ReadOnlySpan<double>)[1, 1.5, 2, 2.5, 3, 4, 5, 6, 8])
        {
            if (multiple * magnitude >= value)
            {
                return multiple * magnitude;
            }
        }

        return 10 * magnitude;
    }

    /// <summary>The candidate's share of a routing, or null when it is not in it.</summary>
    public static int? CandidateShare(IReadOnlyList<RouteEntry> routes, int candidateVersion) =>
        routes.Any(r => r.Version == candidateVersion) ? routes.Where(r => r.Version == candidateVersion).Sum(r => r.Percent) : null;
}
