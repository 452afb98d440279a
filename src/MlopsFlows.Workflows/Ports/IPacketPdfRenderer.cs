namespace MlopsFlows.Workflows.Ports;

/// <summary>
/// Prints the audit packet's HTML page to PDF (headless Chromium in the shipped adapter). The PDF is a convenience
/// beside the signed manifest and its HTML rendering, so a host without a renderer still produces a packet.
/// </summary>
public interface IPacketPdfRenderer
{
    /// <summary>
    /// The PDF of <paramref name="html"/> (a self-contained page, A4), or null when no renderer is available here; the
    /// adapter logs why.
    /// </summary>
    /// <exception cref="TransientDependencyException">The renderer did not finish in time.</exception>
    /// <exception cref="InvalidOperationException">The renderer ran but produced no PDF.</exception>
    Task<byte[]?> RenderAsync(string html, CancellationToken cancellationToken);
}
