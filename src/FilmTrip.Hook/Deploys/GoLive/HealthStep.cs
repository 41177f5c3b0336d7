using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Deploys.GoLive;

/// <summary>The health gate as a recorded step, and the health check of a service moved to another port.</summary>
internal static class HealthStep
{
    /// <summary>Runs the check as a step that fails when unhealthy; returns null when healthy, else why not.</summary>
    public static async Task<string?> RunAsync(DeployRun run, string name, Func<Task<string?>> check)
    {
        string? unhealthy = null;
        try
        {
            await run.StepAsync(name, async () =>
            {
                unhealthy = await check();
                return unhealthy is null ? null : throw new UnhealthyException(unhealthy);
            });
        }
        catch (UnhealthyException)
        {
        }
        return unhealthy;
    }

    /// <summary>The service's health check with its URL's port replaced (a BlueGreen color, the preflight app).</summary>
    public static HealthCheckOptions? OnPort(HealthCheckOptions? health, int port) => health is null ? null : new HealthCheckOptions
    {
        Url = new UriBuilder(health.Url) { Port = port }.Uri.AbsoluteUri,
        Timeout = health.Timeout,
        StableFor = health.StableFor,
    };

    private sealed class UnhealthyException(string reason) : Exception(reason);
}
