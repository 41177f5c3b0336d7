using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Webhooks;

/// <summary>
/// One daemon shared by a test class: service "site" deploys pushes to main of acme/site from a real bare repository;
/// service "quiet" (acme/quiet) is only ever sent requests that must not deploy.
/// </summary>
public sealed class WebhookDaemonFixture : IAsyncLifetime
{
    public const string SiteRepository = "acme/site";
    public const string QuietRepository = "acme/quiet";

    private readonly HookWorld _world;

    public WebhookDaemonFixture() => (_world, Commit) = NewWorld("webhooks", DaemonHost.Process);

    public Daemon Daemon => _world.Daemon;
    public GitRepo Repo => _world.Repo;
    public string Commit { get; }
    public string DataDirectory => _world.DataDirectory;

    /// <summary>A world (not started) with one commit (index.html) and the services "site" and "quiet" of its repository.</summary>
    public static (HookWorld World, string Commit) NewWorld(string prefix, DaemonHost host = DaemonHost.InProcess)
    {
        var world = new HookWorld(prefix, host);
        world.Repo.Write("index.html", "hello");
        var commit = world.Repo.CommitAndPush("initial");
        world.AddService("site", null, world.Temp.Combine("srv", "site"), gitHubRepository: SiteRepository)["KeepReleases"] = 2;
        world.AddService("quiet", null, world.Temp.Combine("srv", "quiet"), gitHubRepository: QuietRepository)["KeepReleases"] = 2;
        return (world, commit);
    }

    public Task InitializeAsync() => _world.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();
}

internal static class ResponseJson
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
