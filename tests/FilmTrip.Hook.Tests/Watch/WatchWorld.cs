using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>
/// A <see cref="BlueGreenWorld"/> (real nginx writing README's JSON access log, the real daemon, pm2, git) with the
/// backend's <c>Watch</c> on that log: the post-switch watch of issue 15 end to end.
/// </summary>
internal static class WatchWorld
{
    public static string AccessLog(this BlueGreenWorld world) => Path.Combine(world.Nginx.Prefix, "api.access.json.log");

    /// <summary>Adds the service's Watch (after its first deploy, so that one has a release to go back to) and restarts the daemon.</summary>
    public static Task WatchAsync(this BlueGreenWorld world, string @for, int minRequests = 50) =>
        world.ReconfigureAsync(s => s["Watch"] = new JsonObject
        {
            ["For"] = @for, ["AccessLog"] = world.AccessLog(), ["MaxErrorRate"] = 0.05, ["MinRequests"] = minRequests,
        });

    /// <summary>GET /status/{service}'s watch, or null when none runs.</summary>
    public static async Task<JsonNode?> WatchStatusAsync(this BlueGreenWorld world) => (await world.Backend.StatusAsync())["watch"];

    /// <summary>Waits until the service is watched after <paramref name="deploy"/> and has seen more than <paramref name="requests"/> requests.</summary>
    public static Task<JsonNode> WatchingAsync(this BlueGreenWorld world, JsonNode deploy, long requests = -1, int seconds = 60) =>
        Poll.UntilAsync(async () => await world.WatchStatusAsync() is { } w && w["deployId"]!.GetValue<string>() == IdOf(deploy)
            && w["requests"]!.GetValue<long>() > requests ? w : null,
            TimeSpan.FromSeconds(seconds), $"a watch of {IdOf(deploy)} past {requests} requests");

    /// <summary>The rollback the watch queued, once it has finished (GET /deploys/{id}).</summary>
    public static async Task<JsonNode> WatchRollbackAsync(this BlueGreenWorld world, int seconds = 120)
    {
        var id = await Poll.UntilAsync(async () =>
            (await world.Daemon.GetJsonAsync($"/deploys?service={world.App}&limit=20"))["deploys"]!.AsArray()
                .FirstOrDefault(d => d!["trigger"]!.GetValue<string>() == "watch" && d["state"]!.GetValue<string>() is not ("queued" or "running"))
                ?["id"]!.GetValue<string>(),
            TimeSpan.FromSeconds(seconds), "the watch's rollback to finish");
        return await world.Daemon.GetJsonAsync($"/deploys/{id}");
    }

    /// <summary>The deploys of the service with trigger <c>watch</c>, in any state.</summary>
    public static async Task<int> WatchRollbackCountAsync(this BlueGreenWorld world) =>
        (await world.Daemon.GetJsonAsync($"/deploys?service={world.App}&limit=200"))["deploys"]!.AsArray()
            .Count(d => d!["trigger"]!.GetValue<string>() == "watch");

    /// <summary>Waits until a deploy's note (the watch's verdict) is set and returns it.</summary>
    public static Task<string> NoteAsync(this BlueGreenWorld world, JsonNode deploy, int seconds = 90) =>
        Poll.UntilAsync(async () => (await world.Daemon.GetJsonAsync($"/deploys/{IdOf(deploy)}"))["deploy"]!["note"]?.GetValue<string>(),
            TimeSpan.FromSeconds(seconds), $"the watch's note on {IdOf(deploy)}");

    public static string IdOf(JsonNode deploy) => deploy["deploy"]!["id"]!.GetValue<string>();

    /// <summary>
    /// Version 1 deployed and watched, load through nginx serving it, then a version 2 that passes /health and Verify
    /// but answers 500 to 3 of 10 requests; waits for the watch's rollback and reads, while the load still runs, what
    /// nginx serves, the bad deploy's note and the service's status.
    /// </summary>
    public static async Task<BadReleaseRun> RollBackABadReleaseAsync(this BlueGreenWorld world)
    {
        var first = await world.DeployVersionAsync("1");
        DeployAssert.State("succeeded", first);
        await world.WatchAsync("00:02:00");
        await using var load = await world.StartLoadServingAsync("1");

        world.Backend.Repo.Write("backend/FAIL_SOME", "yes");
        var bad = await world.DeployVersionAsync("2");
        DeployAssert.State("succeeded", bad); // /health and Verify pass: only real traffic shows it
        var rollback = await world.WatchRollbackAsync();
        var servedAfter = await world.ServedThroughNginxAsync();
        var badNote = await world.NoteAsync(bad);
        var status = await world.Backend.StatusAsync();
        await load.StopAsync();
        return new BadReleaseRun(first, rollback, servedAfter, badNote, status, new Dictionary<string, long>(load.Bodies));
    }

    /// <summary>logrotate's default: rename the log, then tell nginx to reopen its logs (USR1), as its postrotate does.</summary>
    public static async Task RotateByRenameAsync(this BlueGreenWorld world)
    {
        File.Move(world.AccessLog(), world.AccessLog() + ".1");
        using var reopen = Process.Start("kill", ["-USR1", world.Nginx.Pid.ToString(CultureInfo.InvariantCulture)]);
        await reopen.WaitForExitAsync();
        Assert.Equal(0, reopen.ExitCode);
    }

    /// <summary>logrotate's copytruncate: copy the log, then truncate it in place; nginx keeps appending to the same file.</summary>
    public static void RotateByCopyTruncate(this BlueGreenWorld world)
    {
        File.Copy(world.AccessLog(), world.AccessLog() + ".2", overwrite: true);
        using var truncate = new FileStream(world.AccessLog(), FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
    }
}

/// <summary>What <see cref="WatchWorld.RollBackABadReleaseAsync"/> saw: the first deploy, the watch's rollback, what nginx served after it, the bad deploy's note, the status, and the answers the load got by body.</summary>
internal sealed record BadReleaseRun(JsonNode First, JsonNode Rollback, string ServedAfter, string BadNote, JsonNode Status, IReadOnlyDictionary<string, long> Bodies);
