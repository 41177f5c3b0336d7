namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook deploy &lt;service&gt; [--commit SHA] [--wait]</c>: POST /deploys, for a missed webhook.</summary>
internal static class DeployCommand
{
    public static readonly CommandShape Shape = new("deploy", ["commit"], ["wait"], 1, 1);

    public static async Task<int> RunAsync(CliArguments args, DaemonClient daemon, TextWriter output, CancellationToken cancellationToken)
    {
        var accepted = await daemon.PostJsonAsync("/deploys", new { service = args.Positionals[0], commit = args.Value("commit") }, cancellationToken);
        return await DeployFollower.ReportAsync(accepted, "deploy", args.Flag("wait"), daemon, output, cancellationToken);
    }
}
