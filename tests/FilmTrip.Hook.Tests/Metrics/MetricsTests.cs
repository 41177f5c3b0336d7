using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Metrics;

/// <summary>GET /metrics after a succeeded, a failed and a rolled-back deploy, read with a strict text-format parser (issue #13).</summary>
[LongRunning(28)]
public sealed class MetricsTests : IAsyncLifetime
{
    private const string Backend = "service=filmtrip-backend";
    private BackendWorld _world = null!;
    private string _marker = null!;

    public async Task InitializeAsync() =>
        _world = await BackendWorld.StartAsync(config => _marker = Pm2Wrapper.BreakJlistAfterReload(config, "filmtrip-backend"));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Metrics_count_deploys_by_final_state_steps_health_gates_rollbacks_and_delivery_outcomes()
    {
        // Succeeded, under a delivery id sent again below (a duplicate).
        _world.Repo.Write("backend/VERSION", "1");
        var push = Support.Webhooks.PushPayload(BackendWorld.Repository, _world.Repo.CommitAndPush("backend v1"));
        var delivery = Guid.NewGuid().ToString();
        var accepted = JsonNode.Parse(await (await _world.Daemon.SendAsync(push, deliveryId: delivery)).Content.ReadAsStringAsync())!;
        var backendId = accepted["deploys"]!.AsArray().Single(d => d!["service"]!.GetValue<string>() == "filmtrip-backend")!["deployId"]!.GetValue<string>();
        var succeeded = await _world.Daemon.WaitForDeployAsync(backendId);
        DeployAssert.State("succeeded", succeeded);
        // Failed: the release crashes on start, so the preflight health gate fails.
        _world.Repo.Write("backend/CRASH_ON_START", "yes");
        var failed = await _world.DeployVersionAsync("2");
        DeployAssert.State("failed", failed);
        // Rolled back: pm2's output breaks after the reload, so the health gate after the switch fails and the deploy goes back.
        _world.Repo.Delete("backend/CRASH_ON_START");
        await File.WriteAllTextAsync(_marker, "");
        var rolledBack = await _world.DeployVersionAsync("3");
        DeployAssert.State("rolled_back", rolledBack);
        Assert.Equal(HttpStatusCode.OK, (await _world.Daemon.SendAsync(push, deliveryId: delivery)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _world.Daemon.SendAsync(push, signature: "sha256=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _world.Daemon.SendAsync("{not json"u8.ToArray())).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _world.Daemon.SendAsync(push, @event: "issues")).StatusCode);

        using var response = await _world.Daemon.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var metrics = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        foreach (var state in new[] { "succeeded", "failed", "rolled_back" })
        {
            Assert.Equal(1, metrics.Value("filmtrip_hook_deploys_total", Backend, "trigger=push", "state=" + state));
            Assert.Equal(1, metrics.Value("filmtrip_hook_deploy_duration_seconds_count", Backend, "state=" + state));
            Assert.True(metrics.Value("filmtrip_hook_deploy_duration_seconds_sum", Backend, "state=" + state) > 0);
        }
        // Exported at zero before its first event, so an alert on increase() sees that first event.
        Assert.Equal(0, metrics.Value("filmtrip_hook_deploys_total", Backend, "trigger=manual", "state=failed"));
        Assert.Equal("histogram", metrics.Types["filmtrip_hook_deploy_step_duration_seconds"]);
        Assert.Equal(3, metrics.Value("filmtrip_hook_deploy_step_duration_seconds_count", Backend, "step=fetch"));
        var steps = new[] { succeeded, failed, rolledBack }.SelectMany(d => d["steps"]!.AsArray()).Select(s => s!).ToList();
        Assert.Equal(steps.Count(s => s["name"]!.GetValue<string>() == "preflight"),
            metrics.Value("filmtrip_hook_deploy_step_duration_seconds_count", Backend, "step=preflight"));
        var gateFailures = steps.Count(s => !s["succeeded"]!.GetValue<bool>() && s["name"]!.GetValue<string>() is var n && (n == "preflight" || n.EndsWith("health")));
        Assert.True(gateFailures >= 2, "the failed preflight and the health check after the switch");
        Assert.Equal(gateFailures, metrics.Value("filmtrip_hook_health_gate_failures_total", Backend));
        Assert.Equal(1, metrics.Value("filmtrip_hook_automatic_rollbacks_total", Backend));
        Assert.Equal(0, metrics.Value("filmtrip_hook_queue_length", Backend));
        Assert.Equal(0, metrics.Value("filmtrip_hook_running_deploys", Backend));
        var finishedAt = DateTimeOffset.Parse(succeeded["deploy"]!["finishedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.Equal(finishedAt.ToUnixTimeMilliseconds() / 1000.0, metrics.Value("filmtrip_hook_last_success_timestamp_seconds", Backend)!.Value, 3);
        var outcomes = new Dictionary<string, double> { ["accepted"] = 3, ["duplicate"] = 1, ["bad_signature"] = 1, ["bad_payload"] = 1, ["ignored"] = 1, ["busy"] = 0 };
        foreach (var (outcome, count) in outcomes)
            Assert.Equal(count, metrics.Value("filmtrip_hook_webhook_deliveries_total", "outcome=" + outcome));
    }

    [Fact]
    public async Task Metrics_follow_the_api_token_rule()
    {
        using var anonymous = await _world.Daemon.GetAsync("/metrics", token: null);
        using var wrong = await _world.Daemon.GetAsync("/metrics", token: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType!.MediaType);
    }
}
