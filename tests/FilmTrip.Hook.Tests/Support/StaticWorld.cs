using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// One real repository with two static services, "web" and "admin" (subdirectories of the same repository),
/// whose build step waits on a gate file: tests hold a deploy at a known point and open the gate to let it go.
/// </summary>
public sealed class StaticWorld : IAsyncDisposable
{
    public const string Repository = HookWorld.Repository;

    private readonly HookWorld _world;

    private StaticWorld(HookWorld world) => _world = world;

    public TempDirectory Temp => _world.Temp;
    public GitRepo Repo => _world.Repo;
    public Daemon Daemon => _world.Daemon;
    public JsonObject Config => _world.Config;
    public string ConfigPath => _world.ConfigPath;
    public string DataDirectory => _world.DataDirectory;

    public string Gate(string service) => Temp.Combine($"gate-{service}");
    public string Root(string service) => Temp.Combine("srv", service);
    public string? Live(string service) => new FileInfo(Path.Combine(Root(service), "current")).LinkTarget;
    public string LiveVersion(string service) => File.ReadAllText(Path.Combine(Root(service), "current", "VERSION"));

    /// <summary>Starts the world; gates start open unless <paramref name="gatesOpen"/> is false.</summary>
    public static Task<StaticWorld> StartAsync(bool gatesOpen = true, Action<JsonObject>? configure = null, DaemonHost host = DaemonHost.InProcess) =>
        HookWorld.BuildAsync(new HookWorld("static", host), async hook =>
        {
            var world = new StaticWorld(hook);
            hook.Repo.Write("web/VERSION", "1");
            hook.Repo.Write("admin/VERSION", "1");
            hook.Repo.CommitAndPush("v1");
            if (gatesOpen) { world.OpenGate("web"); world.OpenGate("admin"); }
            foreach (var name in new[] { "web", "admin" })
                hook.AddService(name, name, world.Root(name), new JsonArray(BuildSteps.WaitFor(world.Gate(name))));
            configure?.Invoke(hook.Config);
            await hook.StartAsync();
            return world;
        });

    public void OpenGate(string service) => BuildSteps.Open(Gate(service));

    /// <summary>Closes the gate: the next build step of this service waits until it opens.</summary>
    public void CloseGate(string service)
    {
        File.Delete(Gate(service));
        File.Delete(Gate(service) + ".started");
    }

    /// <summary>Commits new VERSION files for the given services (both by default) and pushes them to main.</summary>
    public string Commit(string version, params string[] services)
    {
        foreach (var service in services.Length == 0 ? ["web", "admin"] : services)
            Repo.Write($"{service}/VERSION", version);
        return Repo.CommitAndPush($"v{version}");
    }

    public Task<Dictionary<string, string>> PushAsync(string sha) => _world.PushAsync(sha);

    /// <summary>Pushes and waits for every deploy it queued to end successfully.</summary>
    public Task DeployAsync(string sha) => _world.DeployAsync(sha);

    public Task<List<JsonNode>> DeploysOfAsync(string service) => Daemon.DeploysAsync(service);

    public Task RestartAsync() => _world.RestartAsync();

    public async ValueTask DisposeAsync()
    {
        // An open gate lets a held build step end, so the daemon stops at once.
        OpenGate("web");
        OpenGate("admin");
        await _world.DisposeAsync();
    }
}
