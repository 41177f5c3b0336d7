using FilmTrip.Hook.Http;

namespace FilmTrip.Hook.Readiness;

/// <summary>
/// GET /readyz for monitors and load balancers (issue #13): 200 when a deploy could run now, 503 problem+json with the
/// reason otherwise. No token, like /healthz: it says only whether, never what is deployed.
/// </summary>
public static class ReadinessEndpoints
{
    public static IServiceCollection AddReadiness(this IServiceCollection services) => services.AddSingleton<ReadinessProbe>();

    public static IEndpointRouteBuilder MapReadiness(this IEndpointRouteBuilder app)
    {
        app.MapGet("/readyz", GetReady);
        return app;
    }

    internal static IResult GetReady(ReadinessProbe probe) =>
        probe.Check() is { } reason
            ? Problems.Create(StatusCodes.Status503ServiceUnavailable, "not-ready", "Not ready", reason)
            : TypedResults.Ok(new { status = "ready" });
}
