using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// What a BlueGreen deploy that fails must leave exactly as it was (issue 10): the live color and the release it
/// runs, its pm2 processes (never restarted), the upstream file, <c>current</c>, what nginx serves, the canary.
/// </summary>
public sealed record LiveColorSnapshot(
    string Color, string Version, JsonNode Deploy, IReadOnlyList<(int Pid, int Restarts)> Instances, string Upstream,
    (int Pid, int Restarts, string DirectoryHash) Canary)
{
    /// <summary>Takes the snapshot once <paramref name="deploy"/> (which deployed <paramref name="version"/>) is live.</summary>
    public static async Task<LiveColorSnapshot> TakeAsync(BlueGreenWorld world, JsonNode deploy, string version)
    {
        var color = ColorAssert.Live(await world.Backend.StatusAsync());
        return new(color, version, deploy, await world.ColorInstancesAsync(color), world.Nginx.UpstreamContent,
            await world.Backend.CanaryFingerprintAsync());
    }

    public async Task AssertUntouchedAsync(BlueGreenWorld world)
    {
        var status = await world.Backend.StatusAsync();
        Assert.Equal(Color, ColorAssert.Live(status));
        ColorAssert.Is(world, status, Color, "live", Deploy);
        Assert.Equal(BackendWorld.CommitOf(Deploy), status["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(Instances, await world.ColorInstancesAsync(Color));
        Assert.Equal(Upstream, world.Nginx.UpstreamContent);
        Assert.Equal(Version, await world.ServedThroughNginxAsync());
        Assert.Equal(Canary, await world.Backend.CanaryFingerprintAsync());
    }
}
