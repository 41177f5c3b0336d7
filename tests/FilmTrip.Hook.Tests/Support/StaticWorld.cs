using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// One real repository with two static services, "web" and "admin" (subdirectories of the same repository),
/// whose build step waits on a gate file: tests hold a deploy at a known point and open the gate to let it go.
/// </summary>
public sealed class StaticWorld : IAsyncDisposable
{
    public const string Repository = "acme/filmtrip";

    private StaticWorld(TempDirectory temp) => Temp = temp;

    public TempDirectory Temp { get; }
    public GitRepo Repo { get; private set; } = null!;
    public Daemon Daemon { get; private set; } = null!;
    public JsonObject Config { get; private set; } = null!;
    public string ConfigPath => Temp.Combine("hook.json");
    public string DataDirectory => Temp.Combine("data");

    public string Gate(string service) => Temp.Combine($"gate-{service}");
    public string Root(string service) => Temp.Combine("srv", service);
    public string? Live(string service) => new FileInfo(Path.Combine(Root(service), "current")).LinkTarget;
    public string LiveVersion(string service) => File.ReadAllText(Path.Combine(Root(service), "current", "VERSION"));

    /// <summary>Starts the world; gates start open unless <paramref name="gatesOpen"/> is false.</summary>
    public static async Task<StaticWorld> StartAsync(bool gatesOpen = true, Action<JsonObject>? configure = null)
    {
        var world = new StaticWorld(new TempDirectory("static"));
        try
        {
            world.Repo = new GitRepo(world.Temp.Path);
            world.Repo.Write("web/VERSION", "1");
            world.Repo.Write("admin/VERSION", "1");
            world.Repo.CommitAndPush("v1");
            if (gatesOpen) { world.OpenGate("web"); world.OpenGate("admin"); }
            world.Config = Daemon.Config(world.DataDirectory, new JsonObject
            {
                ["web"] = world.Service("web"),
                ["admin"] = world.Service("admin"),
            });
            configure?.Invoke(world.Config);
            world.Daemon = await Daemon.StartAsync(world.Config, world.ConfigPath);
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
        return world;
    }

    private JsonObject Service(string name) => new()
    {
        ["Repository"] = Repo.Bare,
        ["GitHubRepository"] = Repository,
        ["Subdirectory"] = name,
        ["Root"] = Root(name),
        ["Build"] = new JsonArray(BuildSteps.WaitFor(Gate(name))),
    };

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

    public async Task<Dictionary<string, string>> PushAsync(string sha) => await Daemon.PushAsync(Repository, sha);

    /// <summary>Pushes and waits for every deploy it queued to end successfully.</summary>
    public async Task DeployAsync(string sha)
    {
        foreach (var id in (await PushAsync(sha)).Values)
            DeployAssert.State("succeeded", await Daemon.WaitForDeployAsync(id));
    }

    public Task<List<JsonNode>> DeploysOfAsync(string service) => Daemon.DeploysAsync(service);

    public async Task RestartAsync()
    {
        var port = Daemon.Port;
        await Daemon.DisposeAsync();
        Daemon = await Daemon.StartAsync(Config, ConfigPath, port);
    }

    public async ValueTask DisposeAsync()
    {
        OpenGate("web");
        OpenGate("admin");
        if (Daemon is not null) await Daemon.DisposeAsync();
        Temp.Dispose();
    }
}
