using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Audit;

/// <summary>How audit packets are produced. Bound from <c>MlopsFlows:Packets</c>.</summary>
public sealed class PacketOptions
{
    public const string SectionName = "MlopsFlows:Packets";

    /// <summary>
    /// The Chromium (or Chrome) executable that prints packets to PDF. Default none: <c>/usr/bin/chromium</c>, then
    /// <c>chromium</c>, <c>chromium-browser</c> and <c>google-chrome</c> on the PATH; without any, packets have no PDF.
    /// Key: <c>MlopsFlows:Packets:ChromiumPath</c>.
    /// </summary>
    public string? ChromiumPath { get; set; }

    /// <summary>
    /// How long one PDF may take before Chromium is stopped. Default 60 seconds. Key: <c>MlopsFlows:Packets:PdfTimeout</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PdfTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
