using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Http;
using FilmTrip.Hook.Status;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Approvals;

/// <summary>POST /deploys/{id}/approve and /deploys/{id}/reject: same token as POST /rollback (issue #12).</summary>
public static class ApprovalEndpoints
{
    public static IServiceCollection AddApprovals(this IServiceCollection services) => services.AddSingleton<ApprovalGate>();

    public static IEndpointRouteBuilder MapApprovals(this IEndpointRouteBuilder app)
    {
        app.MapPost("/deploys/{id}/approve", Approve).DisableAntiforgery();
        app.MapPost("/deploys/{id}/reject", Reject).DisableAntiforgery();
        return app;
    }

    /// <summary>202: the deploy is queued and runs as a push would.</summary>
    internal static IResult Approve(string id, HttpRequest request, IOptions<HookOptions> options, ApprovalGate gate) =>
        Answer(request, options, id, gate.Approve, StatusCodes.Status202Accepted, "approved");

    /// <summary>200: the deploy is final, <c>rejected</c>.</summary>
    internal static IResult Reject(string id, HttpRequest request, IOptions<HookOptions> options, ApprovalGate gate) =>
        Answer(request, options, id, gate.Reject, StatusCodes.Status200OK, "rejected");

    private static IResult Answer(HttpRequest request, IOptions<HookOptions> options, string id,
        Func<string, (ApprovalResult Result, DeployRecord? Deploy)> change, int success, string verb)
    {
        if (!ApiToken.IsAuthorized(request.Headers.Authorization, options.Value.ApiToken))
            return ApiToken.Unauthorized();
        var (result, deploy) = change(id);
        return result switch
        {
            ApprovalResult.Done => TypedResults.Json(DeploySummary.Of(deploy!), statusCode: success),
            ApprovalResult.UnknownDeploy => Problems.Create(404, "unknown-deploy", "Unknown deploy", $"no deploy with id '{Problems.Quote(id)}'"),
            _ => Problems.Create(409, "not-awaiting-approval", "Deploy is not awaiting approval",
                $"deploy {deploy!.Id} is {SnakeCase.Name(deploy.State)}; only a deploy in state awaiting_approval can be {verb}"),
        };
    }
}
