using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace MlopsFlows.Integrations.Audit;

/// <summary>Where Chromium was found, or why it was not.</summary>
internal sealed record ChromiumLocation(string? Executable, string Explanation);

/// <summary>What one headless run printed: the whole standard output and the tail of standard error.</summary>
internal sealed record ChromiumRun(int ExitCode, string Output, string ErrorTail, TimeSpan Elapsed);

/// <summary>
/// Finds Chromium and runs it once, headless, on a page of ours: a fresh profile each time, no network services, a
/// deadline, and the whole process tree stopped when it passes. Shared by the PDF adapter and the tests that open
/// packets in the browser, so both run it the same way.
/// </summary>
internal static class HeadlessChromium
{
    public const string DebianPath = "/usr/bin/chromium";

    /// <summary>Looked for on the PATH, in order, when nothing is configured and <see cref="DebianPath"/> is absent.</summary>
    public static readonly IReadOnlyList<string> PathCandidates = ["chromium", "chromium-browser", "google-chrome"];

    /// <summary>
    /// Headless, and nothing that reaches out: no QUIC, no background or component updates, no sync, no first-run.
    /// The sandbox is off because containers and root (where hosts and CI run) cannot give Chromium one; what it
    /// opens is our own page, whose policy forbids loading anything.
    /// </summary>
    public static readonly IReadOnlyList<string> IsolationFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private const int ErrorTailLength = 2_000;

    public static ChromiumLocation Locate(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            var configured = File.Exists(configuredPath) ? configuredPath : OnPath(configuredPath);
            return configured is null
                ? new ChromiumLocation(null, $"MlopsFlows:Packets:ChromiumPath is '{configuredPath}', which is neither a file nor on the PATH")
                : new ChromiumLocation(configured, "MlopsFlows:Packets:ChromiumPath");
        }

        if (File.Exists(DebianPath))
        {
            return new ChromiumLocation(DebianPath, DebianPath);
        }

        foreach (var candidate in PathCandidates)
        {
            if (OnPath(candidate) is { } found)
            {
                return new ChromiumLocation(found, $"{candidate} on the PATH");
            }
        }

        return new ChromiumLocation(
            null,
            $"no Chromium found: MlopsFlows:Packets:ChromiumPath is not set, {DebianPath} does not exist and none of {string.Join(", ", PathCandidates)} is on the PATH");
    }

    /// <summary>
    /// Runs <paramref name="executable"/> with <see cref="IsolationFlags"/>, a new profile folder (deleted after) and
    /// <paramref name="arguments"/>, and waits for it to exit and close its output.
    /// </summary>
    /// <exception cref="TimeoutException">It was still running after <paramref name="timeout"/>; it and its children were killed.</exception>
    /// <exception cref="InvalidOperationException">It could not be started.</exception>
    public static async Task<ChromiumRun> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("mlopsflows-chromium-");
        try
        {
            var start = new ProcessStartInfo(executable)
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = profile.FullName,
            };
            foreach (var argument in IsolationFlags.Append($"--user-data-dir={profile.FullName}").Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = new Process { StartInfo = start };
            var clock = Stopwatch.StartNew();
            try
            {
                process.Start();
            }
            catch (Win32Exception e)
            {
                throw new InvalidOperationException($"Could not start Chromium at '{executable}': {e.Message}", e);
            }

            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);

                // A helper that outlives the browser can hold the pipes open: the deadline covers draining them too.
                await Task.WhenAll(output, errors).WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await KillTreeAsync(process).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture, $"Chromium did not finish within {timeout.TotalSeconds:0.#} s and was stopped."));
            }

            var errorText = await errors.ConfigureAwait(false);
            return new ChromiumRun(
                process.ExitCode,
                await output.ConfigureAwait(false),
                errorText.Length <= ErrorTailLength ? errorText : errorText[^ErrorTailLength..],
                clock.Elapsed);
        }
        finally
        {
            DeleteQuietly(profile);
        }
    }

    /// <summary>Deletes a scratch folder; one a lingering helper still writes to is left for the system's temp cleaner.</summary>
    public static bool DeleteQuietly(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task KillTreeAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);

            // Reaps the killed browser so it leaves no zombie; bounded in case the kernel is slow to deliver.
            using var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(reaped.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // It exited between the deadline and the kill, or did not die in time: nothing more to do here.
        }
    }

    private static string? OnPath(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        var folders = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }
}
