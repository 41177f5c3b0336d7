using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>One request as the receiver saw it.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0 read back) standing in for a robot or an API: it records every
/// request and answers with <see cref="Answer"/> (given the request and its 1-based number). While <see cref="Hold"/>
/// is set, each request waits for it before being answered.
/// </summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedRequest> _requests = [];

    private HttpReceiver(WebApplication app) => _app = app;

    public Func<ReceivedRequest, int, (int Status, string Body)> Answer { get; set; } = (_, _) => (200, "{}");
    public TaskCompletionSource? Hold { get; set; }
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Requests { get { lock (_requests) return _requests.ToList(); } }

    public static async Task<HttpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new HttpReceiver(builder.Build());
        receiver._app.Run(receiver.HandleAsync);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/');
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var received = new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            await reader.ReadToEndAsync(), DateTimeOffset.UtcNow);
        int number;
        lock (_requests) { _requests.Add(received); number = _requests.Count; }
        if (Hold is { } hold) await hold.Task;
        var (status, body) = Answer(received, number);
        context.Response.StatusCode = status;
        if (body.Length > 0)
        {
            context.Response.ContentType = body.StartsWith('{') ? "application/json; charset=utf-8" : "text/plain";
            await context.Response.WriteAsync(body);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
