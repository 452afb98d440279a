using MlopsFlows.Integrations.Audit;

namespace MlopsFlows.Integrations.Tests.Audit;

/// <summary>The Chromium these tests use: found the way the renderer finds it with nothing configured.</summary>
internal static class InstalledChromium
{
    public static ChromiumLocation Location { get; } = HeadlessChromium.Locate(configuredPath: null);

    /// <summary>Why a Chromium test is skipped, or null when Chromium is here.</summary>
    public static string? SkipReason => Location.Executable is null
        ? $"Chromium is not installed ({Location.Explanation}); tests/run-all.sh installs it with apt-get when it runs as root."
        : null;

    public static string Executable => Location.Executable ?? throw new InvalidOperationException(SkipReason);
}

/// <summary>A fact that needs headless Chromium: reported as skipped, with the reason, where there is none.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = InstalledChromium.SkipReason;
}

/// <summary>A theory that needs headless Chromium: reported as skipped, with the reason, where there is none.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute() => Skip = InstalledChromium.SkipReason;
}
