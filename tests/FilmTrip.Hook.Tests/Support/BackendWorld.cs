using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A sample repository (samples/filmtrip unless told otherwise, see <see cref="BackendSample"/>) in a real git repo,
/// a real pm2 daemon in a temporary PM2_HOME, on request an "other tenant" canary app and directory in that pm2, and
/// the daemon configured with the seed's shapes. The backend service is named like the sample's pm2 app.
/// </summary>
public sealed class BackendWorld : IAsyncDisposable
{
    public const string Repository = HookWorld.Repository;

    private readonly HookWorld _world;

    private BackendWorld(HookWorld world, BackendSample sample, int backendPort)
    {
        _world = world;
        Sample = sample;
        BackendPort = backendPort;
    }

    public TempDirectory Temp => _world.Temp;
    public BackendSample Sample { get; }
    /// <summary>The backend's service name in the config, which is also its pm2 app name.</summary>
    public string BackendService => Sample.App;
    public GitRepo Repo => _world.Repo;
    public Pm2Home Pm2 { get; private set; } = null!;
    public Daemon Daemon => _world.Daemon;
    public int BackendPort { get; }
    public int CanaryPort { get; } = FreePort.Get();
    public string BackendRoot => Temp.Combine("srv", "filmtrip", "backend");
    public string FrontendRoot => Temp.Combine("srv", "filmtrip", "frontend");
    public string CanaryDirectory => Temp.Combine("srv", "other-service-a");
    public string ConfigPath => _world.ConfigPath;
    public JsonObject Config => _world.Config;

    /// <param name="backendPort">The backend's Port; a free one when null.</param>
    /// <param name="canary">
    /// Start the other tenant's app (<see cref="CanaryAsync"/>) before the daemon: for tests that check deploys leave it
    /// alone (a pm2 start and a node process more per world otherwise).
    /// </param>
    public static Task<BackendWorld> StartAsync(Action<JsonObject>? configure = null, BackendSample? sample = null, int? backendPort = null,
        DaemonHost host = DaemonHost.InProcess, bool canary = false) =>
        HookWorld.BuildAsync(new HookWorld("backend", host), async hook =>
        {
            var world = new BackendWorld(hook, sample ?? BackendSample.FilmTrip, backendPort ?? FreePort.Get());
            await world.InitializeAsync(configure, canary);
            return world;
        });

    private async Task InitializeAsync(Action<JsonObject>? configure, bool canary)
    {
        Repo.CopyFrom(Sample.SourceDirectory);
        Repo.CommitAndPush($"{Sample.Directory} v1");
        Pm2 = _world.Own(new Pm2Home());
        // The daemon never starts a pm2 daemon (on a server pm2 runs before it and outlives it): the canary's
        // `pm2 start` starts this home's, else `pm2 ping` does.
        if (canary) await StartCanaryAsync();
        else await Pm2.StartDaemonAsync();

        var backend = new JsonObject
        {
            ["Repository"] = Repo.Bare,
            ["GitHubRepository"] = Repository,
            ["Subdirectory"] = "backend",
            ["Paths"] = new JsonArray("backend/**"),
            ["Root"] = BackendRoot,
            ["Environment"] = new JsonObject { ["NODE_ENV"] = "production" },
            ["StepTimeout"] = "00:02:00",
            ["Pm2"] = new JsonObject { ["App"] = Sample.App, ["Home"] = Pm2.HomeDirectory, ["Executable"] = Pm2.Executable },
            ["Port"] = BackendPort,
            ["HealthCheck"] = new JsonObject
            {
                ["Url"] = $"http://127.0.0.1:{BackendPort}/health", ["Timeout"] = "00:00:30", ["StableFor"] = "00:00:01",
            },
            ["KeepReleases"] = 3,
        };
        if (Sample.Build is { } build) backend["Build"] = build();
        _world.Services[BackendService] = backend;
        if (Sample.HasFrontend)
            _world.Services["filmtrip-frontend"] = new JsonObject
            {
                ["Repository"] = Repo.Bare,
                ["GitHubRepository"] = Repository,
                ["Subdirectory"] = "frontend",
                ["Paths"] = new JsonArray("frontend/**"),
                ["Root"] = FrontendRoot,
                ["Build"] = new JsonArray(new JsonArray("node", "build.js")), // its `npm run build` (see BackendSample.FilmTrip)
            };
        configure?.Invoke(Config);
        await _world.StartAsync();
    }

    public JsonObject Service(string name) => _world.Service(name);

    public Task RestartDaemonAsync() => _world.RestartAsync();

    /// <summary>Commits a new backend VERSION, pushes it, waits for the deploy and returns it.</summary>
    public async Task<JsonNode> DeployVersionAsync(string version)
    {
        Repo.Write("backend/VERSION", version);
        var deploys = await _world.PushAsync(Repo.CommitAndPush($"backend v{version}"));
        return await Daemon.WaitForDeployAsync(deploys[BackendService]);
    }

    /// <summary>POST /rollback of the backend to <paramref name="commit"/>; waits for that deploy and returns it.</summary>
    public async Task<JsonNode> RollbackAsync(string commit)
    {
        var response = await Daemon.RollbackAsync(new { commit, service = BackendService });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /rollback answered {(int)response.StatusCode}: {text}");
        return await Daemon.WaitForDeployAsync(JsonNode.Parse(text)!["deploys"]![0]!["deployId"]!.GetValue<string>());
    }

    /// <summary>The commit a deploy (as GET /deploys/{id} returns it) deployed.</summary>
    public static string CommitOf(JsonNode deploy) => deploy["deploy"]!["commit"]!.GetValue<string>();

    public async Task<JsonNode> StatusAsync() => await Daemon.GetJsonAsync($"/status/{BackendService}");

    public async Task<string> ServedVersionAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetStringAsync($"http://127.0.0.1:{BackendPort}/version")).Trim();
    }

    /// <summary>Another team's app in the same pm2: its own directory, its own port. Deploys must never touch it.</summary>
    private async Task StartCanaryAsync()
    {
        Directory.CreateDirectory(CanaryDirectory);
        await File.WriteAllTextAsync(Path.Combine(CanaryDirectory, "server.js"),
            $"require('http').createServer((q, s) => s.end('other tenant')).listen({CanaryPort}, '127.0.0.1');");
        var started = await Pm2.RunAsync("start", Path.Combine(CanaryDirectory, "server.js"), "--name", "other-service-a");
        Assert.Equal(0, started.ExitCode);
        await Poll.UntilAsync(async () => (await Pm2.JlistAsync()).Any(p => p.Name == "other-service-a" && p.Status == "online"),
            TimeSpan.FromSeconds(20), "the canary app online");
    }

    public async Task<(int Pid, int Restarts)> CanaryAsync()
    {
        if (!Directory.Exists(CanaryDirectory)) throw new InvalidOperationException("this world was started without canary: true");
        var canary = (await Pm2.JlistAsync()).Single(p => p.Name == "other-service-a");
        return (canary.Pid, canary.Restarts);
    }

    /// <summary>The canary's pm2 pid, restart count and directory hash: equal before and after means untouched.</summary>
    public async Task<(int Pid, int Restarts, string DirectoryHash)> CanaryFingerprintAsync()
    {
        var (pid, restarts) = await CanaryAsync();
        return (pid, restarts, HashDirectory(CanaryDirectory));
    }

    /// <summary>The pids and restart counts of an app's online pm2 instances, in pm_id order.</summary>
    public async Task<IReadOnlyList<(int Pid, int Restarts)>> Pm2InstancesAsync(string app) =>
        (await Pm2.JlistAsync()).Where(p => p.Name == app && p.Status == "online").OrderBy(p => p.PmId)
            .Select(p => (p.Pid, p.Restarts)).ToList();

    /// <summary>Waits until pm2 has no app named <paramref name="app"/>, in any status.</summary>
    public Task WaitUntilPm2HasNoAsync(string app, TimeSpan timeout) =>
        Poll.UntilAsync(async () => (await Pm2.JlistAsync()).All(p => p.Name != app), timeout, $"pm2 app {app} to be gone");

    public static string HashDirectory(string directory)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file)));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    /// <summary>The daemon, then pm2 (by its PM2_HOME), then the directory.</summary>
    public ValueTask DisposeAsync() => _world.DisposeAsync();
}
