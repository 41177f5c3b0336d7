using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// The sample FilmTrip repository (samples/filmtrip) in a real git repo, a real pm2 daemon in a temporary
/// PM2_HOME with an "other tenant" canary app and directory, and the daemon configured with the seed's shapes.
/// </summary>
public sealed class BackendWorld : IAsyncDisposable
{
    public const string Repository = "acme/filmtrip";

    private BackendWorld(TempDirectory temp) => Temp = temp;

    public TempDirectory Temp { get; }
    public GitRepo Repo { get; private set; } = null!;
    public Pm2Home Pm2 { get; private set; } = null!;
    public Daemon Daemon { get; private set; } = null!;
    public int BackendPort { get; } = FreePort.Get();
    public int CanaryPort { get; } = FreePort.Get();
    public string BackendRoot => Temp.Combine("srv", "filmtrip", "backend");
    public string FrontendRoot => Temp.Combine("srv", "filmtrip", "frontend");
    public string CanaryDirectory => Temp.Combine("srv", "other-service-a");
    public string ConfigPath => Temp.Combine("hook.json");
    public JsonObject Config { get; private set; } = null!;

    public static async Task<BackendWorld> StartAsync(Action<JsonObject>? configure = null)
    {
        var world = new BackendWorld(new TempDirectory("backend"));
        try
        {
            await world.InitializeAsync(configure);
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
        return world;
    }

    private async Task InitializeAsync(Action<JsonObject>? configure)
    {
        Repo = new GitRepo(Temp.Path);
        Repo.CopyFrom(Path.Combine(RepoPaths.Root, "samples", "filmtrip"));
        Repo.CommitAndPush("FilmTrip v1");
        Pm2 = new Pm2Home();
        await Pm2.StartDaemonAsync();
        await StartCanaryAsync();

        var services = new JsonObject
        {
            ["filmtrip-backend"] = new JsonObject
            {
                ["Repository"] = Repo.Bare,
                ["GitHubRepository"] = Repository,
                ["Subdirectory"] = "backend",
                ["Paths"] = new JsonArray("backend/**"),
                ["Root"] = BackendRoot,
                ["Build"] = new JsonArray(new JsonArray("npm", "ci", "--omit=dev", "--no-audit", "--no-fund"), new JsonArray("npm", "run", "migrate")),
                ["Environment"] = new JsonObject { ["NODE_ENV"] = "production" },
                ["StepTimeout"] = "00:02:00",
                ["Pm2"] = new JsonObject { ["App"] = "filmtrip-backend", ["Home"] = Pm2.HomeDirectory, ["Executable"] = Pm2.Executable },
                ["Port"] = BackendPort,
                ["HealthCheck"] = new JsonObject
                {
                    ["Url"] = $"http://127.0.0.1:{BackendPort}/health", ["Timeout"] = "00:00:30", ["StableFor"] = "00:00:01",
                },
                ["KeepReleases"] = 3,
            },
        };
        Config = Daemon.Config(Temp.Combine("data"), services);
        configure?.Invoke(Config);
        Daemon = await Daemon.StartAsync(Config, ConfigPath);
    }

    public JsonObject Service(string name) => Config["Hook"]!["Services"]![name]!.AsObject();

    public async Task RestartDaemonAsync()
    {
        await Daemon.DisposeAsync();
        Daemon = await Daemon.StartAsync(Config, ConfigPath);
    }

    /// <summary>Commits a new backend VERSION, pushes it, waits for the deploy and returns it.</summary>
    public async Task<JsonNode> DeployVersionAsync(string version)
    {
        Repo.Write("backend/VERSION", version);
        var deploys = await Daemon.PushAsync(Repository, Repo.CommitAndPush($"backend v{version}"));
        return await Daemon.WaitForDeployAsync(deploys["filmtrip-backend"]);
    }

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
        var canary = (await Pm2.JlistAsync()).Single(p => p.Name == "other-service-a");
        return (canary.Pid, canary.RestartTime);
    }

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

    public async ValueTask DisposeAsync()
    {
        if (Daemon is not null) await Daemon.DisposeAsync();
        if (Pm2 is not null) await Pm2.DisposeAsync();
        Temp.Dispose();
    }
}
