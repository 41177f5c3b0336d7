using FilmTrip.Hook.Git;
using FilmTrip.Hook.Tests.InProcess.Fakes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.InProcess;

/// <summary>
/// The queue's rules (newer pushes supersede waiting ones, rollbacks first), the daemon's clock in /status, and the
/// fetch retry on fake time. Moved from Deploys/QueueAndLockTests where they needed a daemon, git and real backoff.
/// </summary>
[Trait("Tier", "InProcess")]
public sealed class QueueRuleTests : IDisposable
{
    private readonly HookHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Pushes_during_a_deploy_coalesce_into_one_follow_up_deploy_of_the_newest_commit()
    {
        _host.Commands.Hold(_host.Root("web"));
        var first = (await _host.PushAsync(_host.InitialCommit))["web"];
        await _host.Commands.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var shas = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            shas.Add(_host.Commit($"push {i}", "web"));
            await _host.PushAsync(shas[^1]);
        }

        _host.Commands.Release();
        DeployAssert.State("succeeded", await _host.Client.WaitForDeployAsync(first));
        var followUp = await Poll.UntilAsync(async () =>
            (await _host.Client.DeploysAsync("web")).FirstOrDefault(d => d["state"]!.GetValue<string>() == "succeeded" && d["id"]!.GetValue<string>() != first),
            TimeSpan.FromSeconds(30), "the follow-up deploy");

        Assert.Equal(shas[^1], followUp["commit"]!.GetValue<string>());
        var deploys = await _host.Client.DeploysAsync("web");
        Assert.Equal(19, deploys.Count(d => d["state"]!.GetValue<string>() == "superseded"));
        Assert.Equal(2, deploys.Count(d => d["state"]!.GetValue<string>() == "succeeded"));
        Assert.Equal("push 19", _host.LiveVersion("web"));
    }

    [Fact]
    public async Task Status_counts_a_running_deploy_on_the_daemon_clock()
    {
        _host.Commands.Hold(_host.Root("web"));
        var id = (await _host.PushAsync(_host.InitialCommit))["web"];
        await _host.Commands.Started.WaitAsync(TimeSpan.FromSeconds(30));

        _host.Time.Advance(TimeSpan.FromSeconds(90));
        var running = (await _host.Client.GetJsonAsync("/status/web"))["running"]!;

        Assert.Equal(id, running["id"]!.GetValue<string>());
        Assert.Equal(90, running["elapsedSeconds"]!.GetValue<double>(), precision: 2);
        Assert.Equal(90, running["stepElapsedSeconds"]!.GetValue<double>(), precision: 2);
    }

    [Fact]
    public async Task An_unreachable_remote_is_retried_then_fails_without_switching()
    {
        DeployAssert.State("succeeded", await _host.Client.WaitForDeployAsync((await _host.PushAsync(_host.InitialCommit))["web"]));
        var live = new FileInfo(Path.Combine(_host.Root("web"), "current")).LinkTarget;
        var next = _host.Commit("2", "web");
        _host.Git.FetchFails = () => new GitTransientException("connection refused", new IOException("connection refused"));

        var id = (await _host.PushAsync(next))["web"];
        // The backoff (1 s, then 2 s, with jitter) passes on the fake clock: a second of it every poll.
        var deploy = await Poll.UntilAsync(async () =>
        {
            _host.Time.Advance(TimeSpan.FromSeconds(1));
            var d = await _host.Client.GetJsonAsync($"/deploys/{id}");
            return d["deploy"]!["state"]!.GetValue<string>() is "queued" or "running" ? null : d;
        }, TimeSpan.FromSeconds(30), "the deploy to give up");

        DeployAssert.State("failed", deploy);
        Assert.Equal(3, deploy["logTail"]!.AsArray().Count(l => l!.GetValue<string>().Contains("fetch attempt failed")));
        Assert.Equal(live, new FileInfo(Path.Combine(_host.Root("web"), "current")).LinkTarget);
    }

    [Fact]
    public async Task A_redeploy_of_the_live_commit_within_the_same_second_gets_the_next_seconds_release()
    {
        var first = await _host.Client.WaitForDeployAsync((await _host.PushAsync(_host.InitialCommit))["web"]);
        DeployAssert.State("succeeded", first);

        // The fake clock has not moved: the same commit again would get the same release name.
        var response = await _host.Client.ManualDeployAsync(new { service = "web", commit = _host.InitialCommit });
        response.EnsureSuccessStatusCode();
        var id = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["deploys"]![0]!["deployId"]!.GetValue<string>();
        var again = await _host.Client.WaitForDeployAsync(id);

        DeployAssert.State("succeeded", again);
        var (before, after) = (first["deploy"]!["releaseId"]!.GetValue<string>(), again["deploy"]!["releaseId"]!.GetValue<string>());
        static DateTime At(string release) => DateTime.ParseExact(release[..14], "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(1), At(after) - At(before));
        Assert.Equal(before[14..], after[14..]);
        Assert.Equal(after, Path.GetFileName(new FileInfo(Path.Combine(_host.Root("web"), "current")).LinkTarget));
        Assert.True(Directory.Exists(Path.Combine(_host.Root("web"), "releases", before)), "the release before is kept for a rollback");
    }
}
