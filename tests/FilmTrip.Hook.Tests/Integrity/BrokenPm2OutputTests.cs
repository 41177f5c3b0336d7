using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Integrity;

/// <summary>
/// After the switch, any failure takes the way back (issue #11 §4): here pm2 prints something that is not its JSON
/// list right after the reload, so the health gate cannot read the app. The unchecked release must not stay live.
/// </summary>
[LongRunning(23)]
public sealed class BrokenPm2OutputTests : IAsyncLifetime
{
    private BackendWorld _world = null!;
    private string _marker = null!;

    public async Task InitializeAsync()
    {
        // pm2 behind a wrapper: the first `jlist` after a `reload` prints a broken list, once, while the marker exists.
        _world = await BackendWorld.StartAsync(config => _marker = Pm2Wrapper.BreakJlistAfterReload(config, "filmtrip-backend"));
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Unreadable_pm2_output_after_the_switch_goes_back_to_the_previous_release()
    {
        DeployAssert.State("succeeded", await _world.DeployVersionAsync("1"));
        await File.WriteAllTextAsync(_marker, "");

        var broken = await _world.DeployVersionAsync("2");

        DeployAssert.State("rolled_back", broken);
        Assert.Contains("pm2 jlist printed something that is not its JSON list", broken["deploy"]!["error"]!.GetValue<string>());
        Assert.False(File.Exists(_marker), "the broken output was served (the wrapper consumed the marker)");
        Assert.Equal("1", await _world.ServedVersionAsync());
    }
}
