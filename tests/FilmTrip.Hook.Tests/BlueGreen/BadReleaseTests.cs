using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.BlueGreen;

/// <summary>
/// Issue 10 §3, under load through nginx: a release that crashes on start, never listens, or fails Verify never
/// receives a request. The deploy ends failed, the live color is untouched, and the idle color is left stopped.
/// </summary>
[LongRunning(33)]
public sealed class BadReleaseTests : IAsyncLifetime
{
    private BlueGreenWorld _world = null!;

    public async Task InitializeAsync() => _world = await BlueGreenWorld.StartAsync(canary: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_release_that_crashes_on_start_fails_and_never_serves() =>
        await AssertNeverServesAsync("CRASH_ON_START");

    [Fact]
    public async Task A_release_that_never_listens_fails_at_the_health_timeout_and_never_serves() =>
        // Given up on after 8 s rather than 30; set only now, as a good first deploy on a busy box can take longer.
        await AssertNeverServesAsync("HANG_ON_START", () => _world.ReconfigureAsync(s => s["HealthCheck"]!["Timeout"] = "00:00:08"));

    [Fact]
    public async Task A_release_that_fails_Verify_fails_with_the_steps_output_and_never_serves()
    {
        var failed = await AssertNeverServesAsync("FAIL_VERIFY");

        // smoke.js's own words: the failure is Verify's, not the health check's.
        var said = failed["logTail"]!.AsArray().Select(l => l!.GetValue<string>()).Prepend(failed["deploy"]!["error"]?.GetValue<string>());
        Assert.Contains(said, line => line is not null && line.Contains("FAIL_VERIFY present", StringComparison.Ordinal));
    }

    private async Task<JsonNode> AssertNeverServesAsync(string switchFile, Func<Task>? beforeBadDeploy = null)
    {
        var v1 = await _world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", v1);
        if (beforeBadDeploy is not null) await beforeBadDeploy();
        var before = await LiveColorSnapshot.TakeAsync(_world, v1, "1");
        await using var load = await _world.StartLoadServingAsync("1");

        _world.Backend.Repo.Write($"backend/{switchFile}", "yes");
        var bad = await _world.DeployVersionAsync("2");
        DeployAssert.State("failed", bad);
        var idle = BlueGreenWorld.Other(before.Color);
        var status = await Poll.UntilAsync(async () =>
            await _world.Backend.StatusAsync() is var s && ColorAssert.Color(s, idle)["state"]?.GetValue<string>() == "stopped" ? s : null,
            TimeSpan.FromSeconds(30), $"the {idle} color to be stopped");
        await load.StopAsync();

        Assert.Equal("failed", status["lastDeploy"]!["state"]!.GetValue<string>());
        ColorAssert.Is(_world, status, idle, "stopped");
        await before.AssertUntouchedAsync(_world);
        load.AssertNoFailureAndOnly("1");
        return bad;
    }
}
