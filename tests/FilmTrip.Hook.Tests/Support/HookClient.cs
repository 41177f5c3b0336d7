using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// The daemon's HTTP API as tests use it, over any <see cref="HttpClient"/>: a spawned <see cref="Daemon"/>'s or an
/// in-process host's (InProcess/HookHost). The one webhook sender: every header is under the test's control.
/// </summary>
public class HookClient(HttpClient http)
{
    public const string Secret = "It's a Secret to Everybody";
    public const string Token = "test-api-token-0123456789";

    public HttpClient Http { get; } = http;

    /// <summary>
    /// POST /webhooks/github. <paramref name="deliveryId"/> "new" sends a fresh GUID and <paramref name="signature"/>
    /// "sign" the right signature; null leaves the header out.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(byte[] body, string? @event = "push", string? deliveryId = "new",
        string contentType = "application/json", string? signature = "sign", bool chunked = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (chunked) request.Headers.TransferEncodingChunked = true;
        if (@event is not null) request.Headers.Add("X-GitHub-Event", @event);
        if (deliveryId is not null) request.Headers.Add("X-GitHub-Delivery", deliveryId == "new" ? Guid.NewGuid().ToString() : deliveryId);
        if (signature is not null)
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature == "sign" ? Webhooks.Sign(body) : signature);
        return Http.SendAsync(request);
    }

    /// <summary>Sends a signed push of <paramref name="commit"/> and returns the deploy ids by service.</summary>
    public async Task<Dictionary<string, string>> PushAsync(string repository, string commit, string branch = "main")
    {
        using var response = await SendAsync(Webhooks.PushPayload(repository, commit, branch));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"push got {response.StatusCode}: {text}");
        return DeployIds(JsonNode.Parse(text)!);
    }

    /// <summary>The deploy ids by service of a 202 from a push, a rollback or a manual deploy.</summary>
    public static Dictionary<string, string> DeployIds(JsonNode accepted) =>
        accepted["deploys"]!.AsArray().ToDictionary(d => d!["service"]!.GetValue<string>(), d => d!["deployId"]!.GetValue<string>());

    /// <summary>A GET with the API token, which reads need by default; <paramref name="token"/> null sends none.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Http.SendAsync(request);
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Waits until the deploy reaches a final state and returns it.</summary>
    public async Task<JsonNode> WaitForDeployAsync(string deployId, TimeSpan? timeout = null) =>
        await Poll.UntilAsync(async () =>
        {
            var deploy = await GetJsonAsync($"/deploys/{deployId}");
            var state = deploy["deploy"]!["state"]!.GetValue<string>();
            return state is "queued" or "running" ? null : deploy;
        }, timeout ?? TimeSpan.FromSeconds(120), $"deploy {deployId} to finish");

    public Task<HttpResponseMessage> RollbackAsync(object body, string? token = Token) => PostJsonAsync("/rollback", body, token);

    /// <summary>POST /deploys: a manual deploy (<c>{ service, commit? }</c>).</summary>
    public Task<HttpResponseMessage> ManualDeployAsync(object body, string? token = Token) => PostJsonAsync("/deploys", body, token);

    private async Task<HttpResponseMessage> PostJsonAsync(string path, object body, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    /// <summary>Deploys recorded for a service, newest first.</summary>
    public async Task<List<JsonNode>> DeploysAsync(string service) =>
        (await GetJsonAsync($"/deploys?service={service}&limit=200"))["deploys"]!.AsArray().Select(d => d!).ToList();

    public async Task<int> DeploysOfDeliveryAsync(string deliveryId) =>
        (await GetJsonAsync("/deploys?limit=200"))["deploys"]!.AsArray().Count(d => d!["deliveryId"]?.GetValue<string>() == deliveryId);
}
