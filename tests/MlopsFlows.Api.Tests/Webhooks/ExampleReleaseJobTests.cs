using System.Diagnostics;
using MlopsFlows.Testing;

namespace MlopsFlows.Api.Tests.Webhooks;

/// <summary>The example Databricks job in <c>examples/databricks-release-job</c>: it compiles, and its unit tests (release task, lineage tags) pass.</summary>
public sealed class ExampleReleaseJobTests
{
    private static string Example => Path.Combine(TestPaths.RepositoryRoot, "examples", "databricks-release-job");

    [Fact]
    public async Task PythonTasks_ByteCompile()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "mlopsflows-pyc-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Compiled to a scratch file so the example folder gets no __pycache__.
            var (code, output) = await PythonAsync(
                "-c",
                "import py_compile, sys; [py_compile.compile(f, cfile=sys.argv[1], doraise=True) for f in sys.argv[2:]]",
                scratch,
                Path.Combine(Example, "src", "release_task.py"),
                Path.Combine(Example, "src", "register_model.py"));

            Assert.True(code == 0, output);
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    [Fact]
    public async Task ReleaseTask_UnitTestsAgainstALoopbackServer_Pass()
    {
        var (code, output) = await PythonAsync("-m", "unittest", "discover", "-s", Path.Combine(Example, "tests"), "-v");

        Assert.True(code == 0, output);
        Assert.Contains("Ran 9 tests", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> PythonAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
