using MlopsFlows.Integrations.Audit;

namespace MlopsFlows.Integrations.Tests.Audit;

public sealed class HeadlessChromiumTests
{
    [Fact]
    public void Locate_ConfiguredBareName_IsLookedUpOnThePath()
    {
        var location = HeadlessChromium.Locate("sh");

        Assert.NotNull(location.Executable);
        Assert.True(Path.IsPathRooted(location.Executable) && File.Exists(location.Executable), location.Executable);
        Assert.Equal("MlopsFlows:Packets:ChromiumPath", location.Explanation);
    }

    [Fact]
    public void Locate_ConfiguredPathMissing_FindsNothingAndSaysWhichSetting()
    {
        var location = HeadlessChromium.Locate("/nowhere/chromium");

        Assert.Null(location.Executable);
        Assert.Equal("MlopsFlows:Packets:ChromiumPath is '/nowhere/chromium', which is neither a file nor on the PATH", location.Explanation);
    }

    [Fact]
    public void Locate_NothingConfigured_TriesDebiansChromiumThenThePath()
    {
        var location = HeadlessChromium.Locate(null);

        if (File.Exists(HeadlessChromium.DebianPath))
        {
            Assert.Equal((HeadlessChromium.DebianPath, HeadlessChromium.DebianPath), (location.Executable, location.Explanation));
        }
        else
        {
            Assert.True(location.Executable is null || location.Explanation.EndsWith(" on the PATH", StringComparison.Ordinal), location.Explanation);
        }
    }
}
