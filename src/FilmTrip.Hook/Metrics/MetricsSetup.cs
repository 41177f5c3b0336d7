using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.History;
using FilmTrip.Hook.Http;
using Microsoft.Extensions.Options;
using Prometheus;

namespace FilmTrip.Hook.Metrics;

/// <summary>
/// GET /metrics in Prometheus text format (issue #13) with prometheus-net: stable for years and small, where the
/// OpenTelemetry Prometheus exporter is still a beta. Same token rule as the status API.
/// </summary>
public static class MetricsSetup
{
    public static IServiceCollection AddHookMetrics(this IServiceCollection services) =>
        services.AddSingleton<HookMetrics>().AddSingleton<IDeployObserver, DeployMetrics>();

    public static IEndpointRouteBuilder MapHookMetrics(this IEndpointRouteBuilder app)
    {
        var metrics = app.ServiceProvider.GetRequiredService<HookMetrics>();
        var options = app.ServiceProvider.GetRequiredService<IOptions<HookOptions>>();
        var history = app.ServiceProvider.GetRequiredService<HistoryStore>();
        metrics.StartAtZero(options.Value.Services.Keys);
        // Gauges are read from history at each scrape rather than kept by hand: they survive a restart and never drift.
        metrics.Registry.AddBeforeCollectCallback(() => ReadGauges(metrics, options.Value, history));
        app.MapGet("/metrics", ScrapeAsync).AddEndpointFilter(ApiToken.ReadFilter);
        return app;
    }

    private static async Task ScrapeAsync(HttpContext context, HookMetrics metrics)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    private static void ReadGauges(HookMetrics metrics, HookOptions options, HistoryStore history)
    {
        var queued = history.Queued();
        foreach (var service in options.Services.Keys)
        {
            metrics.QueueLength.WithLabels(service).Set(queued.Count(d => d.Service == service));
            metrics.Running.WithLabels(service).Set(history.Running(service).Count);
            if (history.List(service, DeployState.Succeeded, 1) is [{ FinishedAt: { } at }])
                metrics.LastSuccess.WithLabels(service).Set(at.ToUnixTimeMilliseconds() / 1000.0);
        }
    }
}
