using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Notifications;

/// <summary>
/// Sending never delays or fails a deploy (issue #12 point 1): a robot that fails twice is tried again and gets the
/// message; one that always fails, and holds its first answer until the deploy is over, ends as a line in the
/// deploy's log, with the deploy's state unchanged and the URL's credential in no log.
/// </summary>
public sealed class DeliveryFailureTests : IAsyncLifetime
{
    private const string Credential = "robot-credential-in-the-query";
    private const string PathCredential = "robot-credential-in-the-path";
    private HttpReceiver _flaky = null!;
    private HttpReceiver _broken = null!;
    private StaticWorld _world = null!;

    public async Task InitializeAsync()
    {
        _flaky = await HttpReceiver.StartAsync();
        _flaky.Answer = (_, n) => n <= 2 ? (500, "") : (200, "ok");
        _broken = await HttpReceiver.StartAsync();
        _broken.Answer = (_, _) => (503, "");
        _broken.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world = await StaticWorld.StartAsync(configure: c => c["Hook"]!["Notifications"] = new JsonArray(
            new JsonObject { ["Kind"] = "slack", ["Url"] = _flaky.BaseUrl + $"/services/T0/B0/{PathCredential}", ["Services"] = new JsonArray("web"), ["Events"] = new JsonArray("succeeded") },
            new JsonObject { ["Kind"] = "dingtalk", ["Url"] = _broken.BaseUrl + $"/robot/send?access_token={Credential}", ["Services"] = new JsonArray("web"), ["Events"] = new JsonArray("succeeded") }));
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        await _flaky.DisposeAsync();
        await _broken.DisposeAsync();
    }

    [Fact]
    public async Task A_flaky_robot_is_retried_and_a_broken_one_ends_in_the_deploy_log_without_touching_the_deploy()
    {
        var id = (await _world.PushAsync(_world.Repo.Head()))["web"];

        // The broken robot holds its first answer: the deploy is final while the notice is still being sent.
        DeployAssert.State("succeeded", await _world.Daemon.WaitForDeployAsync(id));
        await Poll.UntilAsync(() => _broken.Requests.Count == 1, TimeSpan.FromSeconds(30), "the broken robot's first request");
        _broken.Hold!.SetResult();

        await Poll.UntilAsync(() => _flaky.Requests.Count == 3, TimeSpan.FromSeconds(60), "the flaky robot's third attempt");
        var log = await Poll.UntilAsync(async () =>
        {
            var text = await (await _world.Daemon.GetAsync($"/deploys/{id}?log=full")).Content.ReadAsStringAsync();
            return text.Contains("[notifications]", StringComparison.Ordinal) ? text : null;
        }, TimeSpan.FromSeconds(60), "the failure line in the deploy's log");

        var line = Assert.Single(log.Split('\n'), l => l.Contains("[notifications]", StringComparison.Ordinal));
        Assert.Contains($"Hook:Notifications:1 (DingTalk at {_broken.BaseUrl})", line);
        Assert.Contains("HTTP 503", line);
        Assert.Equal(3, _broken.Requests.Count);
        DeployAssert.State("succeeded", await _world.Daemon.GetJsonAsync($"/deploys/{id}"));
        Assert.DoesNotContain(Credential, log);
        var daemonLog = _world.Daemon.LogText;
        Assert.Contains(id, daemonLog); // the daemon's log holds this deploy
        Assert.DoesNotContain(Credential, daemonLog);
        Assert.DoesNotContain("sign=", daemonLog);
        Assert.DoesNotContain(PathCredential, daemonLog);
    }
}
