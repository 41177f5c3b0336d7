using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// The one world builder of the end-to-end tier: a temporary directory, a real repository (work tree and bare
/// remote) in it, the daemon's config (the test secret and token, a data directory, services of that repository),
/// the daemon started on it, and whatever else the world owns (pm2, nginx). The worlds a test class uses
/// (<see cref="StaticWorld"/>, <see cref="BackendWorld"/>, <see cref="DependencyWorld"/>, the CLI's and the
/// webhooks') add their services and helpers to one of these instead of each building and cleaning up its own.
/// </summary>
public sealed class HookWorld : IAsyncDisposable
{
    public const string Repository = "acme/filmtrip";

    private readonly List<IAsyncDisposable> _owned = [];

    /// <param name="host">where <see cref="StartAsync"/> runs the daemon (see <see cref="DaemonHost"/>)</param>
    public HookWorld(string prefix, DaemonHost host = DaemonHost.InProcess)
    {
        Host = host;
        Temp = new TempDirectory(prefix);
        Repo = new GitRepo(Temp.Path);
        Config = Daemon.Config(DataDirectory, new JsonObject());
    }

    public DaemonHost Host { get; }
    public TempDirectory Temp { get; }
    public GitRepo Repo { get; }
    public JsonObject Config { get; }
    public Daemon Daemon { get; private set; } = null!;
    public string ConfigPath => Temp.Combine("hook.json");
    public string DataDirectory => Temp.Combine("data");
    public JsonObject Services => Config["Hook"]!["Services"]!.AsObject();

    public JsonObject Service(string name) => Services[name]!.AsObject();

    /// <summary>Adds a service deploying <paramref name="subdirectory"/> of <see cref="Repo"/> into <paramref name="root"/>.</summary>
    public JsonObject AddService(string name, string? subdirectory, string root, JsonArray? build = null, string gitHubRepository = Repository)
    {
        var service = new JsonObject { ["Repository"] = Repo.Bare, ["GitHubRepository"] = gitHubRepository, ["Root"] = root };
        if (subdirectory is not null) service["Subdirectory"] = subdirectory;
        if (build is not null) service["Build"] = build;
        Services[name] = service;
        return service;
    }

    /// <summary>Something the world disposes after the daemon and before its directory (a pm2 home, an nginx).</summary>
    public T Own<T>(T resource) where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    /// <summary>Writes the config and starts the daemon on it (on a port it binds itself).</summary>
    public async Task StartAsync() => Daemon = await Daemon.StartAsync(Config, ConfigPath, host: Host);

    /// <summary>Stops the daemon and starts it again on the config as it is now.</summary>
    public async Task RestartAsync()
    {
        await Daemon.DisposeAsync();
        await StartAsync();
    }

    /// <summary>A signed push of <paramref name="sha"/> to main of <paramref name="repository"/>; the deploy ids by service.</summary>
    public Task<Dictionary<string, string>> PushAsync(string sha, string repository = Repository) => Daemon.PushAsync(repository, sha);

    /// <summary>Pushes and waits for every deploy it queued to end successfully.</summary>
    public async Task DeployAsync(string sha)
    {
        foreach (var id in (await PushAsync(sha)).Values)
            DeployAssert.State("succeeded", await Daemon.WaitForDeployAsync(id));
    }

    /// <summary>Runs <paramref name="build"/> on a new world and disposes it when that throws.</summary>
    public static async Task<T> BuildAsync<T>(HookWorld world, Func<HookWorld, Task<T>> build)
    {
        try
        {
            return await build(world);
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Daemon is not null) await Daemon.DisposeAsync();
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        Temp.Dispose();
    }
}
