using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Configuration;

/// <summary>The settings that bound a deploy's log and a stalled fetch, and the token on reads (issue #11).</summary>
[Trait("Tier", "InProcess")]
public sealed class BoundsOptionsTests : IDisposable
{
    private readonly TempDirectory _temp = new("config");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Defaults_cap_the_log_at_10_MiB_stop_a_silent_fetch_after_2_minutes_and_need_the_token_for_reads()
    {
        var options = HookConfig.Bind(HookConfig.Valid(_temp.Path));

        Assert.Equal(10L * 1024 * 1024, options.MaxDeployLogBytes);
        Assert.Equal(TimeSpan.FromMinutes(2), options.FetchStallTimeout);
        Assert.True(options.RequireTokenForStatus);
    }

    [Theory]
    [InlineData(65535)]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_log_cap_under_64_KiB_is_refused(long bytes)
    {
        var config = HookConfig.Valid(_temp.Path);
        config.Hook()["MaxDeployLogBytes"] = bytes;

        var problem = Assert.Single(HookConfig.Problems(config));

        Assert.StartsWith($"Hook:MaxDeployLogBytes: is {bytes}, must be at least 65536", problem);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.500")]
    [InlineData("-00:00:05")]
    [InlineData("01:00:01")]
    public void A_fetch_stall_timeout_outside_1_second_to_1_hour_is_refused(string timeout)
    {
        var config = HookConfig.Valid(_temp.Path);
        config.Hook()["FetchStallTimeout"] = timeout;

        var problem = Assert.Single(HookConfig.Problems(config));

        Assert.StartsWith("Hook:FetchStallTimeout: is ", problem);
        Assert.EndsWith("must be between 00:00:01 and 01:00:00", problem);
    }

    [Fact]
    public void A_log_cap_and_a_stall_timeout_in_range_are_taken()
    {
        var config = HookConfig.Valid(_temp.Path);
        config.Hook()["MaxDeployLogBytes"] = 65536;
        config.Hook()["FetchStallTimeout"] = "00:00:05";

        var options = HookConfig.Bind(config);

        Assert.Equal(65536, options.MaxDeployLogBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), options.FetchStallTimeout);
    }
}
