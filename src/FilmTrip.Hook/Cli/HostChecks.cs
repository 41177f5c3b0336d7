using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// What check-config adds to the start-up checks: the machine itself. Roots and the data directory writable
/// by this user, pm2 reachable for pm2 services. Run it as the daemon's user for the answer to mean anything.
/// </summary>
internal static class HostChecks
{
    private static readonly TimeSpan Pm2Timeout = TimeSpan.FromSeconds(30);

    public static async Task<IReadOnlyList<string>> ProblemsAsync(HookOptions options, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (WritableProblem("Hook:DataDirectory", options.DataDirectory) is { } data) problems.Add(data);
        foreach (var (name, service) in options.Services)
        {
            if (WritableProblem($"Hook:Services:{name}:Root", service.Root) is { } root) problems.Add(root);
            if (service.Pm2 is { } pm2 && await Pm2ProblemAsync($"Hook:Services:{name}:Pm2", pm2, service, cancellationToken) is { } p)
                problems.Add(p);
        }
        return problems;
    }

    /// <summary>The directory, or its nearest existing parent when it does not exist yet (the daemon creates it), must take a new file.</summary>
    internal static string? WritableProblem(string key, string path)
    {
        if (!Path.IsPathFullyQualified(path)) return null; // the validator has said so already
        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return $"{key}: '{existing}' is a file, not a directory";
            existing = Path.GetDirectoryName(existing) ?? "/";
        }
        try
        {
            using var probe = new FileStream(Path.Combine(existing, $".filmtrip-hook-check-{Guid.NewGuid():N}"),
                FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            var where = existing == Path.GetFullPath(path) ? $"'{existing}'" : $"'{path}' does not exist yet and its nearest existing parent '{existing}'";
            return $"{key}: {where} is not writable by user '{Environment.UserName}' ({e.Message})";
        }
    }

    /// <summary>The pm2 executable exists and talks to a running pm2 daemon in the service's PM2_HOME (never starts one).</summary>
    private static async Task<string?> Pm2ProblemAsync(string key, Pm2Options pm2, ServiceOptions service, CancellationToken cancellationToken)
    {
        // Exactly what a deploy's pm2 calls get, so the check finds the PM2_HOME and pm2 a deploy would.
        var environment = new Dictionary<string, string>(ChildEnvironment.Of(service), StringComparer.Ordinal);
        var home = Pm2Client.HomeOf(pm2, environment);

        if (ChildEnvironment.Which(pm2.Executable, environment) is null)
            return $"{key}:Executable: '{pm2.Executable}' is not an executable file (nor on PATH={environment["PATH"]})";
        // Any pm2 command, even --version, spawns a pm2 daemon when none runs: look before running it.
        if (!Pm2Client.IsDaemonRunning(home))
            return $"{key}:Home: {Pm2Client.NotRunningMessage(home)}";

        environment["PM2_HOME"] = home;
        var lines = new List<string>();
        var result = await new CliWrapCommandRunner().RunAsync(
            new CommandSpec(pm2.Executable, ["--version", "--no-color"], Path.GetTempPath(), environment, Pm2Timeout),
            line => { lock (lines) lines.Add(line); }, cancellationToken);
        return result.Succeeded
            ? null
            : $"{key}:Executable: '{pm2.Executable} --version' with PM2_HOME={home} " +
              (result.TimedOut ? $"did not answer within {Pm2Timeout.TotalSeconds:0} s" : $"exited with {result.ExitCode}: {lines.LastOrDefault()}");
    }
}
