using System.CommandLine;
using FilmTrip.Hook.ManualDeploys;
using FilmTrip.Hook.Rollbacks;

namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook deploy SERVICE [--commit SHA] [--wait] [--json]</c>: POST /deploys, for a missed webhook.</summary>
internal static class DeployCommand
{
    public static Command Create(CliContext cli)
    {
        var service = CliContext.Word("SERVICE", "The service to deploy");
        var commit = new Option<string?>("--commit") { HelpName = "SHA", Description = "Deploy this commit (7 to 40 hex digits) instead of the branch head" };
        var wait = new Option<bool>("--wait") { Description = "Follow the deploy to its end, each step as it runs; exit 1 when it does not succeed" };
        var json = CliContext.Json("the queued deploy (with --wait: its final record)");
        var command = new Command("deploy",
            "Deploy SERVICE now through POST /deploys (needs the API token): the head of its branch as the remote has it "
            + "(fetched now), or --commit, which must be on the branch. For when a webhook was missed.")
        {
            service, commit, wait, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var daemon = cli.Daemon(parse);
            var accepted = await daemon.PostAsync<ManualDeployAccepted>("/deploys",
                new ManualDeployRequest(parse.GetValue(service), parse.GetValue(commit)), cancellationToken);
            return await DeployFollower.ReportAsync(accepted, accepted.Deploys, "deploy", parse.GetValue(wait), parse.GetValue(json), daemon, cli.Console, cancellationToken);
        });
        return command;
    }
}
