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

    private readonly TempDirectory _temp = new("webhooks");

    public Daemon Daemon { get; private set; } = null!;
    public GitRepo Repo { get; private set; } = null!;
    public string Commit { get; private set; } = "";
    public string DataDirectory => _temp.Combine("data");

    public static JsonObject Services(string root, string bareRepository) => new()
    {
        ["site"] = Service(bareRepository, SiteRepository, Path.Combine(root, "srv", "site")),
        ["quiet"] = Service(bareRepository, QuietRepository, Path.Combine(root, "srv", "quiet")),
    };

    private static JsonObject Service(string bare, string gitHubRepository, string root) => new()
    {
        ["Repository"] = bare,
        ["GitHubRepository"] = gitHubRepository,
        ["Root"] = root,
        ["KeepReleases"] = 2,
    };

    public async Task InitializeAsync()
    {
        Repo = new GitRepo(_temp.Path);
        Repo.Write("index.html", "hello");
        Commit = Repo.CommitAndPush("initial");
        Daemon = await Daemon.StartAsync(
            Daemon.Config(DataDirectory, Services(_temp.Path, Repo.Bare)), _temp.Combine("hook.json"));
    }

    public async Task DisposeAsync()
    {
        if (Daemon is not null) await Daemon.DisposeAsync();
        _temp.Dispose();
    }
}

internal static class ResponseJson
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
