namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook rollback &lt;commit&gt; [--service NAME] [--wait]</c>: POST /rollback.</summary>
internal static class RollbackCommand
{
    public static readonly CommandShape Shape = new("rollback", ["service"], ["wait"], 1, 1);

    public static async Task<int> RunAsync(CliArguments args, DaemonClient daemon, TextWriter output, CancellationToken cancellationToken)
    {
        var accepted = await daemon.PostJsonAsync("/rollback", new { commit = args.Positionals[0], service = args.Value("service") }, cancellationToken);
        return await DeployFollower.ReportAsync(accepted, "rollback", args.Flag("wait"), daemon, output, cancellationToken);
    }
}
