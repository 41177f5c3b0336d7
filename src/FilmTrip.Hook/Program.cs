using FilmTrip.Hook.Approvals;
using FilmTrip.Hook.Cli;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Dashboard;
using FilmTrip.Hook.Deploys;
using FilmTrip.Hook.GitHub;
using FilmTrip.Hook.Logging;
using FilmTrip.Hook.ManualDeploys;
using FilmTrip.Hook.Rollbacks;
using FilmTrip.Hook.Notifications;
using FilmTrip.Hook.Metrics;
using FilmTrip.Hook.Readiness;
using FilmTrip.Hook.Status;
using FilmTrip.Hook.Watch;
using FilmTrip.Hook.Webhooks;
using Microsoft.Extensions.Options;

// How a push becomes a deploy, one way: Webhooks/ -> Deploys/DeployQueue -> DeployWorker -> DeployRunner, which hands
// a DeployPlan to ReleaseBuilder (a BuiltRelease or NoDeploy), that to the GoLive/ strategy (a GoLiveResult), and any
// way back to GoingBack (Git/, Processes/, History/ underneath). Status/ reads; Rollbacks/ and ManualDeploys/ write
// to the queue. Cli/ is the operator's side of the HTTP API. README's "How a push becomes a deploy" walks these folders.
if (CliApp.Handles(args)) return await CliApp.RunAsync(args);

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddHookConfigurationSources(args);
    builder.Host.UseSystemd();
    builder.Services.AddHookOptions();
    builder.Services.AddHookLogging();
    builder.Services.AddProblemDetails();
    builder.Services.AddDeployEngine();
    builder.Services.AddGitHubWebhooks();
    builder.Services.AddStatusApi();
    builder.Services.AddRollbacks();
    builder.Services.AddManualDeploys();
    builder.Services.AddApprovals();
    builder.Services.AddNotifications();
    builder.Services.AddGitHubDeployments();
    builder.Services.AddHookMetrics();
    builder.Services.AddReadiness();
    builder.Services.AddDashboard();
    builder.Services.AddDeployWatch();

    var app = builder.Build();
    // Before crash recovery, the queue and the port bind: a second daemon on this data directory stops here.
    using var daemonLock = DaemonLock.Acquire(app.Services);
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
    app.MapGitHubWebhooks();
    app.MapStatusApi();
    app.MapRollbacks();
    app.MapManualDeploys();
    app.MapApprovals();
    app.MapHookMetrics();
    app.MapReadiness();
    app.MapDashboard();
    app.Run();
    return 0;
}
catch (OptionsValidationException e)
{
    foreach (var failure in e.Failures)
        Console.Error.WriteLine($"filmtrip-hook: configuration error: {failure}");
    return 2;
}
catch (InvalidDataException e) when (e.InnerException is FormatException)
{
    // appsettings*.json next to the binary, which CreateBuilder loads itself.
    Console.Error.WriteLine($"filmtrip-hook: configuration error: {JsonConfigFile.Explain(e, AppContext.BaseDirectory)}");
    return 2;
}
catch (DaemonLockException e)
{
    Console.Error.WriteLine($"filmtrip-hook: {e.Message}");
    return 2;
}

public partial class Program;
