using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// The daemon's HTTP API as the CLI uses it. Every failure becomes a <see cref="CliFailure"/> with the exit code
/// scripts rely on: unreachable 2, token refused 3, unknown service/deploy/commit 4, any other refusal 1.
/// </summary>
internal sealed class DaemonClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _tokenProblem;

    public DaemonClient(Uri address, string? token, string? tokenProblem)
    {
        Address = address;
        _tokenProblem = tokenProblem;
        // POST /deploys and /rollback may fetch from the remote before answering.
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(3) };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri Address { get; }

    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken) =>
        await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>GET <paramref name="path"/> as the API's own record type (Status/StatusViews.cs), never untyped lookups.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        Parse<T>(await GetTextAsync(path, cancellationToken), path);

    /// <summary>POST <paramref name="body"/> (null: no body) and read the answer as <typeparamref name="T"/>.</summary>
    public async Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        Parse<T>(await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: JsonSerializerOptions.Web),
        }, cancellationToken), path);

    private async Task<string> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var message = request();
            response = await _http.SendAsync(message, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(Reason(e));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"no answer within {_http.Timeout.TotalSeconds:0} s");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode) return text;
            var detail = ProblemDetail(text) ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new CliFailure(ExitCodes.Unauthorized,
                    $"the daemon at {Address} refused the API token (401): " +
                    (_tokenProblem ?? "Hook:ApiToken does not match the daemon's") +
                    "; use the daemon's configuration (--config FILE or FILMTRIP_HOOK_CONFIG)"),
                HttpStatusCode.NotFound => new CliFailure(ExitCodes.NotFound, detail),
                _ => new CliFailure(ExitCodes.Failed, detail),
            };
        }
    }

    private CliFailure Unreachable(string reason) => new(ExitCodes.Unreachable,
        $"cannot reach the daemon at {Address.GetLeftPart(UriPartial.Authority)} ({reason}); is the service running? (systemctl status filmtrip-hook)");

    private static string Reason(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket)
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.TimedOut => "timed out",
                    _ => socket.Message,
                };
        return e.Message;
    }

    /// <summary>The "detail" of an application/problem+json answer.</summary>
    private static string? ProblemDetail(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ProblemDetails>(text, JsonSerializerOptions.Web)?.Detail;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private T Parse<T>(string text, string path)
    {
        try
        {
            // The serializer the API answers with (ASP.NET's web defaults), so both sides read one shape.
            return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web)
                ?? throw new CliFailure(ExitCodes.Failed, $"{Address}{path.TrimStart('/')} answered null");
        }
        catch (JsonException)
        {
            throw new CliFailure(ExitCodes.Failed, $"{Address}{path.TrimStart('/')} did not answer what this CLI expects; is something else listening there, or another version of the daemon?");
        }
    }

    public void Dispose() => _http.Dispose();
}
