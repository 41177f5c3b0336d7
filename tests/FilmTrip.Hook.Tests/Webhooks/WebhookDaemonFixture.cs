using System.Net.Http.Headers;
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

/// <summary>Raw webhook requests with every header under the test's control, and what the daemon recorded.</summary>
internal static class WebhookRequests
{
    public static async Task<HttpResponseMessage> SendAsync(this Daemon daemon, byte[] body, string? @event = "push",
        string? deliveryId = "new", string contentType = "application/json", string? signature = "sign", bool chunked = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (chunked) request.Headers.TransferEncodingChunked = true;
        if (@event is not null) request.Headers.Add("X-GitHub-Event", @event);
        if (deliveryId is not null) request.Headers.Add("X-GitHub-Delivery", deliveryId == "new" ? Guid.NewGuid().ToString() : deliveryId);
        if (signature is not null)
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature == "sign" ? Support.Webhooks.Sign(body) : signature);
        return await daemon.Http.SendAsync(request);
    }

    /// <summary>Deploys recorded for a service, newest first.</summary>
    public static async Task<JsonArray> DeploysAsync(this Daemon daemon, string service) =>
        (await daemon.GetJsonAsync($"/deploys?service={service}&limit=200"))["deploys"]!.AsArray();

    public static async Task<int> DeploysOfDeliveryAsync(this Daemon daemon, string deliveryId) =>
        (await daemon.GetJsonAsync("/deploys?limit=200"))["deploys"]!.AsArray()
            .Count(d => d!["deliveryId"]?.GetValue<string>() == deliveryId);

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
