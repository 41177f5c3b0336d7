using System.Text;
using System.Text.Json;
using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Processes;

/// <summary><paramref name="UnstableRestarts"/>: pm2's count of restarts within min_uptime (a crash on start).</summary>
public sealed record Pm2Instance(string Name, int PmId, int Pid, string Status, int Restarts, long UptimeSince, int UnstableRestarts = 0, string? Cwd = null);

/// <summary>
/// pm2, always addressed by an exact app name (never "all") in one PM2_HOME.
/// Never starts a pm2 daemon: one started from inside the daemon's systemd unit would die with it.
/// </summary>
public sealed class Pm2Client(ICommandRunner runner, Pm2Bridge? bridge = null)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The PM2_HOME a service's pm2 commands use.</summary>
    public static string HomeOf(Pm2Options pm2, IReadOnlyDictionary<string, string> environment) =>
        pm2.Home ?? Path.Combine(environment.GetValueOrDefault("HOME") ?? "/root", ".pm2");

    /// <summary>True when a pm2 daemon is alive in <paramref name="home"/> (its pid file names a live process).</summary>
    public static bool IsDaemonRunning(string home) => DaemonPid(home) is not null;

    /// <summary>The pid of the pm2 daemon alive in <paramref name="home"/>, or null.</summary>
    private static int? DaemonPid(string home)
    {
        var pidFile = Path.Combine(home, "pm2.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || pid <= 0)
            return null;
        return Native.IsProcessAlive(pid) && File.Exists(Path.Combine(home, "rpc.sock")) ? pid : null;
    }

    public static string NotRunningMessage(string home) =>
        $"no pm2 daemon is running in PM2_HOME={home}; FilmTrip.Hook does not start one (it would die with this service). " +
        $"Start pm2 as the app's user and make it survive reboots: 'PM2_HOME={home} pm2 startup' then 'pm2 save'";

    public async Task<IReadOnlyList<Pm2Instance>> ListAsync(Pm2Context context, CancellationToken cancellationToken) =>
        (await ListAllAsync(context, cancellationToken)).Where(i => i.Name == context.App).ToList();

    /// <summary>Every app of the PM2_HOME, parsed from standard output only (pm2 writes warnings to stderr).</summary>
    public async Task<IReadOnlyList<Pm2Instance>> ListAllAsync(Pm2Context context, CancellationToken cancellationToken)
    {
        if (bridge is not null && DaemonPid(context.Home) is { } daemonPid
            && await bridge.TryListAsync(context, daemonPid, cancellationToken) is { } list)
            return ParseJlist(list);
        var output = new StringBuilder();
        var errors = new StringBuilder();
        var result = await RunAsync(context, ["jlist"], context.WorkingDirectory, line => output.AppendLine(line), cancellationToken,
            line => { if (errors.Length < 2000) errors.AppendLine(line); });
        if (!result.Succeeded)
            throw new Pm2Exception($"pm2 jlist exited with {result.ExitCode}: {errors.ToString().Trim()}");
        return ParseJlist(output.ToString());
    }

    /// <summary>
    /// Starts <paramref name="sourceApp"/> of a release's ecosystem file as the app named by <paramref name="context"/>,
    /// from that release's directory, on <paramref name="port"/> (see <see cref="Pm2AppFile"/>).
    /// </summary>
    public Task<CommandResult> StartAsAsync(Pm2Context context, string releaseDirectory, string ecosystem, string sourceApp, int port,
        int? instances, Action<string> log, CancellationToken cancellationToken)
    {
        var file = Pm2AppFile.Write(context.WorkingDirectory, releaseDirectory, ecosystem, sourceApp, context.App, port, instances);
        var portContext = context with
        {
            Environment = new Dictionary<string, string>(context.Environment) { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        return RunAsync(portContext, ["start", file, "--cwd", releaseDirectory, "--update-env"], context.WorkingDirectory, log, cancellationToken);
    }

    public Task<CommandResult> ReloadAsync(Pm2Context context, Action<string> log, CancellationToken cancellationToken) =>
        RunAsync(context, ["reload", context.App, "--update-env"], context.WorkingDirectory, log, cancellationToken);

    /// <summary>
    /// Starts the app from its ecosystem file with <c>--cwd</c> set to the <c>current</c> symlink itself (not its target):
    /// pm2 keeps that path, so a later reload after a switch runs the new release.
    /// </summary>
    public Task<CommandResult> StartAsync(Pm2Context context, string currentLink, string ecosystem, Action<string> log, CancellationToken cancellationToken) =>
        RunAsync(context, ["start", Path.Combine(currentLink, ecosystem), "--only", context.App, "--cwd", currentLink, "--update-env"],
            context.WorkingDirectory, log, cancellationToken);

    /// <summary>
    /// <c>pm2 delete App</c>: over the bridge when it can (pm2's own RPC calls, without a CLI process of 0.3 CPU-s and
    /// 0.5-1 s), else the CLI. Fails like the CLI when pm2 has no app of that name.
    /// </summary>
    public async Task<CommandResult> DeleteAsync(Pm2Context context, Action<string> log, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (bridge is not null && DaemonPid(context.Home) is { } daemonPid
            && await bridge.TryDeleteAsync(context, daemonPid, cancellationToken) is { } deleted)
        {
            var ids = JsonSerializer.Deserialize<int[]>(deleted) ?? [];
            log(ids.Length > 0
                ? $"pm2: deleted {context.App} (pm_id {string.Join(", ", ids)}) over pm2's RPC"
                : $"pm2: no app named {context.App} to delete");
            return new CommandResult(ids.Length > 0 ? 0 : 1, System.Diagnostics.Stopwatch.GetElapsedTime(started), TimedOut: false);
        }
        return await RunAsync(context, ["delete", context.App], context.WorkingDirectory, log, cancellationToken);
    }

    /// <summary>Deletes the app when pm2 knows it; nothing (and no "not found" error in the log) when it does not.</summary>
    public async Task DeleteIfPresentAsync(Pm2Context context, Action<string> log, CancellationToken cancellationToken)
    {
        if ((await ListAsync(context, cancellationToken)).Count > 0)
            await DeleteAsync(context, log, cancellationToken);
    }

    private Task<CommandResult> RunAsync(Pm2Context context, string[] arguments, string workingDirectory, Action<string> log, CancellationToken cancellationToken,
        Action<string>? errorLog = null)
    {
        // Checked before every command: any pm2 command would otherwise spawn a daemon.
        if (!IsDaemonRunning(context.Home))
            throw new Pm2Exception(NotRunningMessage(context.Home));
        var environment = new Dictionary<string, string>(context.Environment) { ["PM2_HOME"] = context.Home };
        var spec = new CommandSpec(context.Executable, [.. arguments, "--no-color"], workingDirectory, environment, CommandTimeout);
        return runner.RunAsync(spec, log, cancellationToken, errorLog);
    }

    /// <summary>pm2 may print banner lines before the JSON array; take the array.</summary>
    internal static IReadOnlyList<Pm2Instance> ParseJlist(string output)
    {
        var start = output.IndexOf("\n[", StringComparison.Ordinal) is var i and >= 0 ? i + 1 : output.StartsWith('[') ? 0 : -1;
        if (start < 0) throw new Pm2Exception("pm2 jlist printed no JSON array");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output[start..]);
        }
        catch (JsonException e)
        {
            throw new Pm2Exception($"pm2 jlist printed something that is not its JSON list ({e.Message})");
        }
        using var _ = document;
        return document.RootElement.EnumerateArray().Select(app =>
        {
            var env = app.GetProperty("pm2_env");
            return new Pm2Instance(
                app.GetProperty("name").GetString() ?? "",
                app.GetProperty("pm_id").GetInt32(),
                app.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : 0,
                env.TryGetProperty("status", out var status) ? status.GetString() ?? "" : "",
                env.TryGetProperty("restart_time", out var restarts) && restarts.ValueKind == JsonValueKind.Number ? restarts.GetInt32() : 0,
                env.TryGetProperty("pm_uptime", out var uptime) && uptime.ValueKind == JsonValueKind.Number ? uptime.GetInt64() : 0,
                env.TryGetProperty("unstable_restarts", out var unstable) && unstable.ValueKind == JsonValueKind.Number ? unstable.GetInt32() : 0,
                env.TryGetProperty("pm_cwd", out var cwd) && cwd.ValueKind == JsonValueKind.String ? cwd.GetString() : null);
        }).ToList();
    }
}

/// <summary>Everything one pm2 command needs: which pm2, which daemon, which app, which environment.</summary>
public sealed record Pm2Context(string Executable, string Home, string App, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment);

public sealed class Pm2Exception(string message) : Exception(message);
