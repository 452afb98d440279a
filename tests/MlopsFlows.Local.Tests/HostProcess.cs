using System.Diagnostics;
using System.Text;

namespace MlopsFlows.Local.Tests;

/// <summary>
/// The <c>mlopsflows</c> command as a child process: started with arguments, killed by PID (SIGKILL, the
/// whole tree) or stopped, its output kept for the failure message.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HostProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static HostProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(CommandPath());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new HostProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start mlopsflows"));
    }

    /// <summary>Runs a verb that ends by itself (e.g. <c>incidents list</c>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var process = Start(args);
        await using (process)
        {
            var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            return (exitCode, process.Output);
        }
    }

    /// <summary>Kills the host at once, as a crash would: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>Asks the host to stop as a service manager would (SIGTERM), without waiting.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private static string CommandPath()
    {
        // The test project references the local host, so its build output sits beside the test assembly.
        var path = Path.Combine(AppContext.BaseDirectory, "mlopsflows.dll");
        return File.Exists(path) && File.Exists(Path.Combine(AppContext.BaseDirectory, "mlopsflows.runtimeconfig.json"))
            ? path
            : throw new FileNotFoundException("mlopsflows.dll (with its runtimeconfig) was not found beside the tests.", path);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
