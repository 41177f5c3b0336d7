using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>The output of one pm2 command.</summary>
public sealed record Pm2Result(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// A pm2 daemon of our own in a temporary PM2_HOME, never the user's ~/.pm2.
/// Disposing runs <c>pm2 kill</c> for that home and deletes it.
/// </summary>
public sealed class Pm2Home : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    // Lists go over pm2's RPC as the daemon's do (Processes/Pm2Bridge, which Pm2BridgeTests hold to what `pm2 jlist`
    // prints): a few ms each instead of a pm2 CLI process (0.3 CPU-s), which tests polling pm2 started a hundred times a run.
    private readonly Pm2Bridge _bridge = new();
    private readonly Pm2Client _client;

    public Pm2Home()
    {
        HomeDirectory = Directory.CreateTempSubdirectory("filmtrip-pm2-").FullName;
        Executable = FindExecutable();
        _client = new Pm2Client(new CliWrapCommandRunner(), _bridge);
    }

    public string HomeDirectory { get; }

    public string Executable { get; }

    /// <summary>FILMTRIP_PM2, else the repo's .tools install, else pm2 on PATH.</summary>
    public static string FindExecutable()
    {
        var fromEnv = Environment.GetEnvironmentVariable("FILMTRIP_PM2");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        var local = Path.Combine(RepoPaths.Root, ".tools", "node_modules", ".bin", "pm2");
        return File.Exists(local) ? local : "pm2";
    }

    public async Task StartDaemonAsync(CancellationToken cancellationToken = default) =>
        EnsureSuccess(await RunAsync(new Dictionary<string, string?>(), ["ping"], cancellationToken), "ping");

    public Task<Pm2Result> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs pm2 with this PM2_HOME, extra environment variables and --no-color.</summary>
    public async Task<Pm2Result> RunAsync(
        IReadOnlyDictionary<string, string?> environment,
        IReadOnlyList<string> args,
        CancellationToken cancellationToken = default)
    {
        var env = new Dictionary<string, string?>(environment) { ["PM2_HOME"] = HomeDirectory };
        var result = await Programs.RunAsync(Executable, [.. args, "--no-color"], environment: env, timeout: CommandTimeout,
            cancellationToken: cancellationToken);
        return new Pm2Result(result.ExitCode, result.Output, result.Errors);
    }

    /// <summary>What the daemon's pm2 commands for <paramref name="app"/> would use in this home.</summary>
    public Pm2Context Context(string app = "") =>
        new(Executable, HomeDirectory, app, HomeDirectory,
            new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "", ["HOME"] = HomeDirectory });

    /// <summary>Every app of this home, read as the daemon reads it (the bridge, else <c>pm2 jlist</c>); the daemon must run.</summary>
    public Task<IReadOnlyList<Pm2Instance>> JlistAsync(CancellationToken cancellationToken = default) =>
        _client.ListAllAsync(Context(), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _bridge.Dispose();
        try
        {
            // Only a daemon that runs: `pm2 kill` in a home without one would first start one (any pm2 command does),
            // as in a world whose set-up failed before its pm2 started, or a test that killed it itself.
            if (DaemonRuns()) await RunAsync("kill");
        }
        finally
        {
            Directory.Delete(HomeDirectory, recursive: true);
        }
    }

    /// <summary>Whether this home's pm2 daemon runs: its pm2.pid names a live process.</summary>
    public bool DaemonRuns() =>
        File.Exists(Path.Combine(HomeDirectory, "pm2.pid"))
        && int.TryParse(File.ReadAllText(Path.Combine(HomeDirectory, "pm2.pid")).Trim(), out var pid)
        && FilmTrip.Hook.Native.IsProcessAlive(pid);

    private static void EnsureSuccess(Pm2Result result, string command)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"pm2 {command} exited {result.ExitCode}: {result.StandardOutput}{result.StandardError}");
        }
    }
}
