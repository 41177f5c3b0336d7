using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Http;
using FilmTrip.Hook.Rollbacks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.ManualDeploys;

public sealed record ManualDeployRequest(string? Service, string? Commit);

public sealed record ManualDeployAccepted(IReadOnlyList<QueuedDeploy> Deploys);

/// <summary>
/// POST /deploys: deploy a service's branch head (or one of its commits) now, for when a webhook was missed.
/// Same token as POST /rollback; the commit is checked exactly as a rollback's is (<see cref="CommitResolver"/>). See issue #7.
/// </summary>
public static class ManualDeployEndpoints
{
    private const string Shape = "{\"service\": \"<name>\", \"commit\": \"<optional sha>\"}";

    public static IServiceCollection AddManualDeploys(this IServiceCollection services)
    {
        services.TryAddSingleton<CommitResolver>();
        return services;
    }

    public static IEndpointRouteBuilder MapManualDeploys(this IEndpointRouteBuilder app)
    {
        app.MapPost("/deploys", DeployAsync).DisableAntiforgery();
        return app;
    }

    internal static async Task<Results<Accepted<ManualDeployAccepted>, ProblemHttpResult>> DeployAsync(
        HttpRequest request, IOptions<HookOptions> options, CommitResolver commits, DeployQueue queue)
    {
        if (!ApiToken.IsAuthorized(request.Headers.Authorization, options.Value.ApiToken))
            return ApiToken.Unauthorized();
        var (body, malformed) = await JsonBody.ReadAsync<ManualDeployRequest>(request, Shape);
        if (body is null) return malformed!;

        if (body.Service is null)
            return Problems.Create(StatusCodes.Status400BadRequest, "bad-request", "Missing service", $"the body must be {Shape}");
        if (!options.Value.Services.TryGetValue(body.Service, out var service))
            return Problems.UnknownService(body.Service);
        if (body.Commit is not null && !CommitResolver.IsShaPrefix(body.Commit))
            return CommitProblems.BadCommit();

        var resolved = body.Commit is null ? commits.BranchHead(service) : commits.OnBranch(service, body.Commit.ToLowerInvariant());
        if (resolved.Sha is not { } sha)
            return CommitProblems.Of(resolved.Refused!);

        var deploy = queue.Enqueue(body.Service, DeployTrigger.Manual, sha);
        return TypedResults.Accepted((string?)null, new ManualDeployAccepted([QueuedDeploy.Of(deploy)]));
    }
}
