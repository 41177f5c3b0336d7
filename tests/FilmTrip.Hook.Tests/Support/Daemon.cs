using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>Where a world runs the daemon.</summary>
public enum DaemonHost
{
    /// <summary>
    /// Program.cs's whole app, unchanged, on a real Kestrel port in the test process (<see cref="InProcessDaemon"/>):
    /// real git, build steps, pm2 and nginx, without a runtime start and JIT of its own per test (most of a spawned
    /// daemon's CPU). For tests of what the daemon does, not of the process it is.
    /// </summary>
    InProcess,

    /// <summary>The built program as its own process: for its pid, memory, output, exit, signals and kill -9.</summary>
    Process,
}

/// <summary>
/// The real daemon on 127.0.0.1 with a config file written by the test: a separate process (stopped by its pid on
/// dispose; <see cref="KillAsync"/> is kill -9), or in the test process (<see cref="DaemonHost.InProcess"/>), where
/// what only a process has (pid, output, kill -9) throws instead of answering for something else.
/// </summary>
public sealed partial class Daemon : HookClient, IAsyncDisposable
{
    private readonly Process? _process;
    private readonly InProcessDaemon? _host;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    private Daemon(Process? process, InProcessDaemon? host, string configPath)
        : base(new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
    {
        _process = process;
        _host = host;
        ConfigPath = configPath;
    }

    /// <summary>The port the daemon bound (a process's from its log, an in-process one's from Kestrel), 0 until it has.</summary>
    public int Port { get; private set; }
    public string ConfigPath { get; }
    public int Pid => Spawned.Id;
    public string Output { get { _ = Spawned; lock (_output) return _output.ToString(); } }
    /// <summary>Standard error alone (it is in <see cref="Output"/> too).</summary>
    public string Errors { get { _ = Spawned; lock (_output) return _errors.ToString(); } }

    /// <summary>
    /// What the daemon has logged so far, from its log files (DataDirectory/logs: the console's events, one template
    /// for both; see Logging/LoggingSetup.cs). For either host: an in-process daemon's console is the test run's.
    /// </summary>
    public string LogText
    {
        get
        {
            var dataDirectory = JsonNode.Parse(File.ReadAllText(ConfigPath))!["Hook"]!["DataDirectory"]!.GetValue<string>();
            var logs = Path.Combine(dataDirectory, "logs");
            if (!Directory.Exists(logs)) return "";
            return string.Concat(Directory.GetFiles(logs, "*.log").Order(StringComparer.Ordinal).Select(ReadShared));
        }
    }

    private static string ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd();
    }

    private Process Spawned => _process ?? throw new InvalidOperationException(
        "this daemon runs in the test process (DaemonHost.InProcess): start its world with DaemonHost.Process for a pid, output or kill -9");

    /// <summary>A Hook section with the test secret and token, the given data directory and services.</summary>
    public static JsonObject Config(string dataDirectory, JsonObject services) => new()
    {
        ["Hook"] = new JsonObject
        {
            ["DataDirectory"] = dataDirectory,
            ["WebhookSecret"] = Secret,
            ["ApiToken"] = Token,
            ["Services"] = services,
        },
    };

    /// <summary>
    /// Writes the config and starts the daemon on it, waiting for /healthz. With <paramref name="configFromEnvironment"/>
    /// the path goes in FILMTRIP_HOOK_CONFIG instead of --config. Without <paramref name="port"/> the daemon binds
    /// port 0 itself and the test reads the bound address from its "Now listening on:" line (never a port picked and
    /// released by the test, which another process may take in between).
    /// </summary>
    public static async Task<Daemon> StartAsync(JsonObject config, string configPath, int? port = null,
        IDictionary<string, string>? environment = null, bool configFromEnvironment = false, DaemonHost host = DaemonHost.Process)
    {
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (host == DaemonHost.InProcess)
        {
            if (port is not null || environment is not null || configFromEnvironment)
                throw new ArgumentException("a port, an environment or FILMTRIP_HOOK_CONFIG need DaemonHost.Process");
            return await StartInProcessAsync(configPath);
        }
        var daemon = configFromEnvironment
            ? Launch(null, port ?? 0, [],
                new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["FILMTRIP_HOOK_CONFIG"] = configPath })
            : Launch(configPath, port ?? 0, [], environment);
        try
        {
            await daemon.WaitForBoundPortAsync();
            await Poll.UntilAsync(async () =>
            {
                if (daemon.Spawned.HasExited)
                    throw new InvalidOperationException($"daemon exited with {daemon.Spawned.ExitCode}:\n{daemon.Output}");
                try { return (await daemon.Http.GetAsync("/healthz")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
            }, TimeSpan.FromSeconds(30), "the daemon to answer /healthz");
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        return daemon;
    }

    private static async Task<Daemon> StartInProcessAsync(string configPath)
    {
        var host = new InProcessDaemon(configPath);
        var daemon = new Daemon(null, host, configPath);
        try
        {
            daemon.Port = await host.StartAsync();
            daemon.Http.BaseAddress = new Uri($"http://127.0.0.1:{daemon.Port}");
            using var healthz = await daemon.Http.GetAsync("/healthz");
            healthz.EnsureSuccessStatusCode();
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        return daemon;
    }

    /// <summary>Runs the program to completion (a CLI command or a start that must fail) and returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(string[] args, IDictionary<string, string>? environment = null)
    {
        using var process = Launch(null, null, args, environment).Spawned;
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(60))) != exited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"filmtrip-hook {string.Join(' ', args)} did not exit");
        }
        await exited;
        return (process.ExitCode, process.StandardOutputText());
    }

    /// <summary>Starts the program without waiting (a CLI command that follows a deploy): read <see cref="Output"/> while it runs.</summary>
    public static Daemon Spawn(string[] args, IDictionary<string, string>? environment = null) => Launch(null, null, args, environment);

    public bool HasExited => Spawned.HasExited;

    /// <summary>Waits for a spawned program to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await Spawned.WaitForExitAsync(deadline.Token);
        return Spawned.ExitCode;
    }

    /// <summary>Waits for the host's "Now listening on: http://127.0.0.1:PORT" line and points <see cref="HookClient.Http"/> at it.</summary>
    private async Task WaitForBoundPortAsync()
    {
        var match = await Poll.UntilAsync(() =>
        {
            if (Spawned.HasExited)
                throw new InvalidOperationException($"daemon exited with {Spawned.ExitCode}:\n{Output}");
            var found = ListeningLine().Match(Output);
            return Task.FromResult(found.Success ? found : null);
        }, TimeSpan.FromSeconds(60), "the daemon to bind its port");
        Port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Http.BaseAddress = new Uri($"http://127.0.0.1:{Port}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:([0-9]+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningLine();

    private static Daemon Launch(string? configPath, int? port, string[] extraArgs, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoPaths.DaemonDll);
        if (configPath is not null) { start.ArgumentList.Add("--config"); start.ArgumentList.Add(configPath); }
        if (port is not null) { start.ArgumentList.Add("--urls"); start.ArgumentList.Add($"http://127.0.0.1:{port}"); }
        foreach (var arg in extraArgs) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var daemon = new Daemon(process, null, configPath ?? "");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (daemon._output) daemon._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (daemon._output) { daemon._output.AppendLine(e.Data); daemon._errors.AppendLine(e.Data); }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessOutputs.Register(process, daemon);
        return daemon;
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        Spawned.Kill();
        await Spawned.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
            return;
        }
        if (!_process!.HasExited)
        {
            // SIGTERM first: the host shuts down gracefully; then kill -9 as a safety net.
            _ = FilmTrip.Hook.Native.Signal(_process.Id, 15);
            var exited = _process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(15))) != exited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

internal static class ProcessOutputs
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, Daemon> Owners = new();

    public static void Register(Process process, Daemon daemon) => Owners.AddOrUpdate(process, daemon);

    public static string StandardOutputText(this Process process) => Owners.TryGetValue(process, out var d) ? d.Output : "";
}
