using System.Text.RegularExpressions;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Dashboard;

/// <summary>
/// The dashboard (issue #13): static pages embedded in the binary at <c>/</c> and <c>/ui/...</c>, which read the status
/// API with the operator's token, and the one endpoint they need beside it, a deploy's log as Server-Sent Events.
/// </summary>
public static partial class DashboardEndpoints
{
    /// <summary>
    /// Only this origin's own files may run or load: the pages hold a token that can roll back production. No framing
    /// (another site cannot put the rollback button under a decoy).
    /// </summary>
    private const string Policy = "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddSingleton<LogStream>();

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var assets = new ManifestEmbeddedFileProvider(typeof(DashboardEndpoints).Assembly, "Dashboard/Assets");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = assets,
            RequestPath = "/ui",
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        app.MapGet("/", (HttpResponse response) => Index(response, assets));
        app.MapGet("/ui", (HttpResponse response) => Index(response, assets));
        app.MapGet("/ui/auth", ReadsNeedToken);
        app.MapGet("/deploys/{id}/log/stream", StreamLogAsync).AddEndpointFilter(ApiToken.ReadFilter);
        return app;
    }

    private static IResult Index(HttpResponse response, IFileProvider assets)
    {
        Secure(response);
        return TypedResults.Stream(assets.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8");
    }

    /// <summary>Lets the page ask for the token before its first read instead of after a 401 (which browsers log as an error).</summary>
    internal static IResult ReadsNeedToken(IOptions<HookOptions> options) =>
        TypedResults.Ok(new { readsNeedToken = options.Value.RequireTokenForStatus });

    internal static async Task<IResult> StreamLogAsync(string id, HttpContext context, HistoryStore history, LogStream stream,
        IHostApplicationLifetime lifetime)
    {
        if (!DeployId().IsMatch(id) || history.Get(id) is not { } deploy)
            return Problems.Create(404, "unknown-deploy", "Unknown deploy", $"no deploy with id '{Problems.Quote(id)}'");
        long from = 0;
        if (context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } last && (!long.TryParse(last, out from) || from < 0))
            return Problems.Create(400, "bad-query", "Bad Last-Event-ID", "Last-Event-ID must be a byte offset this stream sent as an event id");

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx in front would otherwise hold the events back
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // A stream of a deploy that stays queued would otherwise hold the daemon's shutdown for its whole timeout.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await stream.WriteAsync(deploy, from, response.Body, ended.Token);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The reader left (closed the page) or the daemon is stopping: the page reconnects with Last-Event-ID.
        }
        return TypedResults.Empty;
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = Policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    [GeneratedRegex("^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}\\z")]
    private static partial Regex DeployId();
}
