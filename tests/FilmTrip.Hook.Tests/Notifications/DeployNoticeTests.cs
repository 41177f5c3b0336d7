using FilmTrip.Hook.History;
using FilmTrip.Hook.Notifications;

namespace FilmTrip.Hook.Tests.Notifications;

/// <summary>What a notice says for the watch's own rollback (issue #15 §3: "send a notification if Operators landed").</summary>
[Trait("Tier", "InProcess")]
public sealed class DeployNoticeTests
{
    private static DeployRecord Record(DeployTrigger trigger, DeployState state, string? note = null, string? error = null) =>
        new("20261129-050000-0badc0de", "filmtrip-backend", trigger, null, new string('a', 40), state, DateTimeOffset.UnixEpoch, "/tmp/x.log")
        {
            Note = note, Error = error,
        };

    [Fact]
    public void The_watchs_rollback_is_told_as_rolled_back_with_the_numbers()
    {
        var notice = DeployNotice.Of(Record(DeployTrigger.Watch, DeployState.Succeeded, note: "5xx 31% of 412 requests in 42 s"), commit: null);

        Assert.Equal("rolled_back", notice.State);
        Assert.Equal("5xx 31% of 412 requests in 42 s", notice.Reason);
        Assert.Contains(("reason", "5xx 31% of 412 requests in 42 s"), notice.Lines());
    }

    [Theory]
    [InlineData(DeployTrigger.Push, DeployState.Succeeded, "succeeded")]
    [InlineData(DeployTrigger.Rollback, DeployState.Succeeded, "succeeded")]
    [InlineData(DeployTrigger.Watch, DeployState.Failed, "failed")]
    [InlineData(DeployTrigger.Push, DeployState.RolledBack, "rolled_back")]
    public void Every_other_deploy_is_told_by_its_state(DeployTrigger trigger, DeployState state, string told)
    {
        var notice = DeployNotice.Of(Record(trigger, state, note: "watch passed", error: state == DeployState.Succeeded ? null : "why"), commit: null);

        Assert.Equal(told, notice.State);
        Assert.Equal(state == DeployState.Succeeded ? null : "why", notice.Reason);
    }
}
