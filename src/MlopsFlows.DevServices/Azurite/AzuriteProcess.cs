using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MlopsFlows.DevServices.Azurite;

/// <summary>
/// Azurite running as a child process (Node.js, from the repository's <c>node_modules</c>), listening on loopback only.
/// Dispose it to stop it: the process tree is killed and awaited.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The storage emulator's fixed, publicly documented development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The storage emulator's fixed, publicly documented development key (not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int MaxStartAttempts = 3;
    private const int SigTerm = 15;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly OutputTail _output;
    private readonly TimeSpan _gracefulStopTimeout;
    private int _disposed;

    private AzuriteProcess(Process process, OutputTail output, int blobPort, int queuePort, int tablePort, AzuriteOptions options)
    {
        _process = process;
        _output = output;
        _gracefulStopTimeout = options.GracefulStopTimeout;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        DataFolder = options.DataFolder;
        ProcessId = process.Id;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public int ProcessId { get; }

    /// <summary>The folder Azurite persists to, or null when it keeps everything in memory.</summary>
    public string? DataFolder { get; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    /// <summary>True once the process has ended (always true after <see cref="DisposeAsync"/> or <see cref="KillAsync"/>).</summary>
    public bool HasExited => Volatile.Read(ref _disposed) == 1 || _process.HasExited;

    /// <summary>Starts Azurite and returns once its blob, queue and table ports all accept connections.</summary>
    /// <exception cref="InvalidOperationException">Azurite exited before answering (the message carries its output).</exception>
    /// <exception cref="TimeoutException">Azurite did not answer within <see cref="AzuriteOptions.StartTimeout"/>.</exception>
    public static async Task<AzuriteProcess> StartAsync(AzuriteOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = options.RepositoryRoot ?? FindRepositoryRoot();
        var entryPoint = FindEntryPoint(root);
        if (options.DataFolder is not null)
        {
            Directory.CreateDirectory(options.DataFolder);
        }

        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = ChoosePorts(options);
            (int Asked, int Used)[] ports = [(options.BlobPort, blob), (options.QueuePort, queue), (options.TablePort, table)];
            var chosenHere = ports.Where(port => port.Asked == 0).Select(port => Invariant(port.Used)).ToList();
            var output = new OutputTail();
            var process = Launch(options, entryPoint, blob, queue, table, output);
            try
            {
                await WaitUntilAnsweringAsync(process, output, blob, queue, table, options.StartTimeout, ct).ConfigureAwait(false);
                return new AzuriteProcess(process, output, blob, queue, table, options);
            }
            catch (InvalidOperationException) when (attempt < MaxStartAttempts && chosenHere.Exists(port => output.Contains("EADDRINUSE: address already in use 127.0.0.1:" + port)))
            {
                // Another process took a port between our choosing it and Azurite binding it: choose again. A port the
                // caller fixed is not retried; that conflict is theirs to resolve.
                process.Dispose();
            }
            catch
            {
                await StopAsync(process, TimeSpan.Zero).ConfigureAwait(false);
                process.Dispose();
                throw;
            }
        }
    }

    /// <summary>True when all three ports accept a TCP connection on 127.0.0.1.</summary>
    public static async Task<bool> IsAnsweringAsync(int blobPort, int queuePort, int tablePort, CancellationToken ct)
    {
        var answers = await Task.WhenAll(
            AcceptsConnectionAsync(blobPort, ct),
            AcceptsConnectionAsync(queuePort, ct),
            AcceptsConnectionAsync(tablePort, ct)).ConfigureAwait(false);
        return answers.All(a => a);
    }

    /// <summary>A connection string for the development account with explicit endpoints on the given loopback ports.</summary>
    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};");

    /// <summary>
    /// Stops Azurite. In disk mode it first gets SIGTERM and up to <see cref="AzuriteOptions.GracefulStopTimeout"/> to
    /// save its metadata; then (or at once, in memory mode) the whole process tree is killed and awaited.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(_process, DataFolder is null ? TimeSpan.Zero : _gracefulStopTimeout).ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>Kills the process tree without letting Azurite save, as a crash would; recent writes may be lost.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(_process, TimeSpan.Zero).ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>The last lines Azurite wrote to stdout and stderr, for diagnostics.</summary>
    public string RecentOutput() => _output.ToString();

    internal static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (Directory.Exists(Path.Combine(folder.FullName, "node_modules", "azurite")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No folder holding node_modules/azurite above '{AppContext.BaseDirectory}' or '{Directory.GetCurrentDirectory()}'. Run 'npm ci' at the repository root.");
    }

    /// <summary>The script that package.json declares as the <c>azurite</c> command, so a new Azurite layout needs no code change.</summary>
    private static string FindEntryPoint(string root)
    {
        var package = Path.Combine(root, "node_modules", "azurite");
        var manifest = Path.Combine(package, "package.json");
        if (!File.Exists(manifest))
        {
            throw new FileNotFoundException($"Azurite is not installed under '{root}'. Run 'npm ci' at the repository root.", manifest);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        var relative = json.RootElement.TryGetProperty("bin", out var bin) && bin.ValueKind == JsonValueKind.Object
            && bin.TryGetProperty("azurite", out var command) && command.GetString() is { Length: > 0 } path
                ? path
                : "dist/src/azurite.js";
        var entryPoint = Path.GetFullPath(Path.Combine(package, relative));
        return File.Exists(entryPoint)
            ? entryPoint
            : throw new FileNotFoundException($"Azurite's entry script is missing at '{entryPoint}'.", entryPoint);
    }

    private static (int Blob, int Queue, int Table) ChoosePorts(AzuriteOptions options)
    {
        var free = FreePort.Distinct(3);
        return (
            options.BlobPort == 0 ? free[0] : options.BlobPort,
            options.QueuePort == 0 ? free[1] : options.QueuePort,
            options.TablePort == 0 ? free[2] : options.TablePort);
    }

    private static Process Launch(AzuriteOptions options, string entryPoint, int blob, int queue, int table, OutputTail output)
    {
        var start = new ProcessStartInfo(options.NodeExecutable)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,

            // In memory mode Azurite still treats its working directory as its location: keep it out of the repository.
            WorkingDirectory = options.DataFolder ?? Path.GetTempPath(),
        };
        string[] arguments =
        [
            entryPoint,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", Invariant(blob), "--queuePort", Invariant(queue), "--tablePort", Invariant(table),
            "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry", "--silent",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (options.DataFolder is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(Path.GetFullPath(options.DataFolder));
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{options.NodeExecutable}': {e.Message}. Is Node.js on the PATH?", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilAnsweringAsync(
        Process process, OutputTail output, int blob, int queue, int table, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw ExitedEarly(process, output);
            }

            // Checking for exit again after the ports answer guards against another process owning one of them.
            if (await IsAnsweringAsync(blob, queue, table, ct).ConfigureAwait(false) && !process.HasExited)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"Azurite did not answer on ports {blob}/{queue}/{table} within {timeout.TotalSeconds:F0} s. Output:{Environment.NewLine}{output}");
            }

            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    private static InvalidOperationException ExitedEarly(Process process, OutputTail output)
    {
        // The exit event can run before the last lines of output are delivered; waiting for exit flushes them.
        process.WaitForExit();
        return new InvalidOperationException(
            $"Azurite exited with code {process.ExitCode} before answering. Output:{Environment.NewLine}{output}");
    }

    private static async Task<bool> AcceptsConnectionAsync(int port, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task StopAsync(Process process, TimeSpan grace)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }

            if (grace > TimeSpan.Zero && !OperatingSystem.IsWindows() && NativeMethods.Kill(process.Id, SigTerm) == 0)
            {
                using var graceful = new CancellationTokenSource(grace);
                try
                {
                    await process.WaitForExitAsync(graceful.Token).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException)
                {
                    // Azurite did not finish closing in time: fall through to the kill.
                }
            }

            process.Kill(entireProcessTree: true);
            using var exit = new CancellationTokenSource(ExitWait);
            await process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The process ended between the check and the kill.
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The last lines of a child's output, kept so a failed start can say why.</summary>
    private sealed class OutputTail
    {
        private const int MaxLines = 40;
        private readonly Queue<string> _lines = new();
        private readonly Lock _gate = new();

        public void Add(string? line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            lock (_gate)
            {
                _lines.Enqueue(line);
                if (_lines.Count > MaxLines)
                {
                    _lines.Dequeue();
                }
            }
        }

        public bool Contains(string text)
        {
            lock (_gate)
            {
                return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return _lines.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _lines);
            }
        }
    }
}
