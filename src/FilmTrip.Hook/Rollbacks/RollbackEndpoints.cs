using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Rollbacks;

/// <summary>
/// POST /rollback: put a kept release (instantly) or any commit of the deploy branch (in full) back live, named by a
/// commit (issue #4), a tag of the remote or "the previous release" (issue 12).
/// </summary>
public static class RollbackEndpoints
{
    private const string Shape = "{\"commit\": \"<sha>\" | \"tag\": \"<tag>\" | \"previous\": true, \"service\": \"<name>\"}";

    public static IServiceCollection AddRollbacks(this IServiceCollection services)
    {
        services.TryAddSingleton<CommitResolver>();
        return services.AddSingleton<RollbackPlanner>();
    }

    public static IEndpointRouteBuilder MapRollbacks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/rollback", RollbackAsync).DisableAntiforgery();
        return app;
    }

    internal static async Task<Results<Accepted<RollbackAccepted>, ProblemHttpResult>> RollbackAsync(
        HttpRequest request, IOptions<HookOptions> options, RollbackPlanner planner)
    {
        if (!ApiToken.IsAuthorized(request.Headers.Authorization, options.Value.ApiToken))
            return ApiToken.Unauthorized();
        var (body, malformed) = await JsonBody.ReadAsync<RollbackRequest>(request, Shape);
        if (body is null) return malformed!;

        if ((body.Commit is null ? 0 : 1) + (body.Tag is null ? 0 : 1) + (body.Previous is true ? 1 : 0) != 1 || body.Previous is false)
            return CommitProblems.BadTarget();
        if (body.Commit is not null && !CommitResolver.IsShaPrefix(body.Commit))
            return CommitProblems.BadCommit();
        if (body.Tag is not null && !CommitResolver.IsTagName(body.Tag))
            return CommitProblems.BadTag();
        if (body.Service is not null && !options.Value.Services.ContainsKey(body.Service))
            return Problems.UnknownService(body.Service);

        var plan = body.Tag is { } tag ? planner.PlanTag(tag, body.Service)
            : body.Previous is true ? planner.PlanPrevious(body.Service)
            : planner.Plan(body.Commit!.ToLowerInvariant(), body.Service);
        if (plan.Refused is { } refused)
            return CommitProblems.Of(refused);
        return TypedResults.Accepted((string?)null, new RollbackAccepted(plan.Deploys.Select(QueuedDeploy.Of).ToList()));
    }
}
