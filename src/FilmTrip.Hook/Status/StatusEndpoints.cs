using System.Text.RegularExpressions;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Status;

/// <summary>GET /status, /status/{service}, /deploys, /deploys/{id}: reads only (writes live in Rollbacks/ and ManualDeploys/). See issue #4.</summary>
public static partial class StatusEndpoints
{
    public const int MaxPageSize = 200;

    public static IServiceCollection AddStatusApi(this IServiceCollection services) =>
        services.AddSingleton<StatusReader>();

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("").AddEndpointFilter(ApiToken.ReadFilter);
        reads.MapGet("/status", GetAll);
        reads.MapGet("/status/{service}", GetOne);
        reads.MapGet("/deploys", ListDeploys);
        reads.MapGet("/deploys/{id}", GetDeploy);
        return app;
    }

    internal static Ok<StatusResponse> GetAll(StatusReader status) => TypedResults.Ok(status.All());

    internal static Results<Ok<ServiceStatus>, ProblemHttpResult> GetOne(string service, StatusReader status, IOptions<HookOptions> options) =>
        options.Value.Services.ContainsKey(service) ? TypedResults.Ok(status.Of(service)) : Problems.UnknownService(service);

    internal static Results<Ok<DeployList>, ProblemHttpResult> ListDeploys(
        HistoryStore history, IOptions<HookOptions> options, string? service, string? state, int? limit)
    {
        if (service is not null && !options.Value.Services.ContainsKey(service))
            return Problems.UnknownService(service);
        DeployState? parsed = null;
        if (state is not null)
        {
            if (!SnakeCase.TryParse<DeployState>(state, out var known))
                return Problems.Create(400, "bad-query", "Bad query", $"state must be one of {string.Join(", ", SnakeCase.Names<DeployState>())}");
            parsed = known;
        }
        if (limit is < 1 or > MaxPageSize)
            return Problems.Create(400, "bad-query", "Bad query", $"limit must be between 1 and {MaxPageSize}");
        return TypedResults.Ok(new DeployList(history.List(service, parsed, limit ?? 20).Select(DeploySummary.Of).ToList()));
    }

    internal static Results<Ok<DeployDetail>, PushStreamHttpResult, ContentHttpResult, ProblemHttpResult> GetDeploy(
        string id, string? log, HistoryStore history, IOptions<HookOptions> options)
    {
        if (!DeployId().IsMatch(id) || history.Get(id) is not { } deploy)
            return Problems.Create(404, "unknown-deploy", "Unknown deploy", $"no deploy with id '{Problems.Quote(id)}'");
        if (log == "full")
        {
            if (DeployLogReader.OpenEnd(deploy.LogPath, options.Value.MaxDeployLogBytes) is not { } stream)
                return TypedResults.Text("", "text/plain; charset=utf-8");
            return TypedResults.Stream(body => CopyAsOpenedAsync(stream, body), "text/plain; charset=utf-8");
        }
        var steps = history.Steps(id)
            .Select(s => new StepView(s.Name, s.StartedAt, s.Duration.TotalSeconds, s.ExitCode, s.Succeeded, s.Detail)).ToList();
        return TypedResults.Ok(new DeployDetail(DeploySummary.Of(deploy), steps, DeployLogReader.Tail(deploy.LogPath, 200)));
    }

    /// <summary>
    /// The log as it was when opened: a running deploy keeps appending, and a file stream handed to the response
    /// whole would send more bytes than the Content-Length taken from its length at the start (a 500).
    /// </summary>
    private static async Task CopyAsOpenedAsync(Stream log, Stream body)
    {
        await using var _ = log;
        var left = log.Length - log.Position;
        var buffer = new byte[64 * 1024];
        while (left > 0 && await log.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left))) is var read and > 0)
        {
            await body.WriteAsync(buffer.AsMemory(0, read));
            left -= read;
        }
    }

    [GeneratedRegex("^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}\\z")]
    private static partial Regex DeployId();
}
