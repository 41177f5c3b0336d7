using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary><c>approve</c> and <c>reject</c> against a daemon whose service needs approval (issue 12).</summary>
public sealed class ApprovalCommandTests : CliWorldTest
{
    protected override Task<CliWorld> StartAsync() => CliWorld.StartAsync(requireApproval: true);

    /// <summary>Pushes VERSION=<paramref name="version"/>; the push waits for approval. Returns its deploy id.</summary>
    private async Task<string> PushWaitingAsync(string version)
    {
        World.Repo.Write("frontend/VERSION", version);
        var deploys = await World.Daemon.PushAsync("acme/filmtrip", World.Repo.CommitAndPush($"v{version}"));
        return deploys["frontend"];
    }

    [Fact]
    public async Task Status_shows_what_waits_and_approve_wait_runs_it()
    {
        var id = await PushWaitingAsync("2");

        var status = await World.RunAsync("status");
        var (exit, output) = await World.RunAsync("approve", id, "--wait");

        Assert.Equal(0, status.ExitCode);
        Assert.Matches($@"Awaiting approval[^\n]*\n[^\n]*\n\s*frontend\s+{id}\s", status.Output);
        Assert.Equal(0, exit);
        Assert.Contains($"queued approved deploy of frontend to ", output);
        Assert.Matches(@"\n  build: node build\.js\s+\d+\.\ds\s+ok", output);
        Assert.Contains($"deploy {id} of frontend: succeeded", output);
        Assert.Equal("v2", World.LiveVersion);
    }

    [Fact]
    public async Task Reject_ends_a_waiting_deploy_and_it_cannot_be_approved_after()
    {
        var id = await PushWaitingAsync("2");

        var rejected = await World.RunAsync("reject", id);
        var approved = await World.RunAsync("approve", id);

        Assert.Equal(0, rejected.ExitCode);
        Assert.Matches($@"^deploy {id} of frontend to [0-9a-f]{{12}}: rejected$", rejected.Output.Trim());
        Assert.Equal(1, approved.ExitCode);
        Assert.Equal($"filmtrip-hook: deploy {id} is rejected; only a deploy in state awaiting_approval can be approved", approved.Output.Trim());
        Assert.False(Directory.Exists(Path.Combine(World.Root, "current")), "nothing went live");
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    public async Task An_unknown_deploy_exits_4(string command)
    {
        var (exit, output) = await World.RunAsync(command, "20990101-000000-deadbeef");

        Assert.Equal(4, exit);
        Assert.Equal("filmtrip-hook: no deploy with id '20990101-000000-deadbeef'", output.Trim());
    }
}
