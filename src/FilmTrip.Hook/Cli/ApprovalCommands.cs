using FilmTrip.Hook.History;
using System.CommandLine;
using FilmTrip.Hook.Rollbacks;
using FilmTrip.Hook.Status;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// <c>filmtrip-hook approve DEPLOY_ID [--wait]</c> and <c>reject DEPLOY_ID</c>: POST /deploys/{id}/approve and /reject
/// for a push held by <c>RequireApproval</c> (issue 12). Both answer the deploy's record.
/// </summary>
internal static class ApprovalCommands
{
    public static Command Approve(CliContext cli)
    {
        var (id, json, command) = Create("approve", "Let a deploy waiting for approval (state awaiting_approval) run, as its push would have.");
        var wait = new Option<bool>("--wait") { Description = "Follow the deploy to its end, each step as it runs; exit 1 when it does not succeed" };
        command.Add(wait);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var daemon = cli.Daemon(parse);
            var deploy = await daemon.PostAsync<DeploySummary>(DeployFollower.Path(parse.GetValue(id)!) + "/approve", null, cancellationToken);
            return await DeployFollower.ReportAsync(deploy, [new QueuedDeploy(deploy.Service, deploy.Id, deploy.Commit)], "approved deploy",
                parse.GetValue(wait), parse.GetValue(json), daemon, cli.Console, cancellationToken);
        });
        return command;
    }

    public static Command Reject(CliContext cli)
    {
        var (id, json, command) = Create("reject", "Refuse a deploy waiting for approval: it ends rejected and never runs.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var daemon = cli.Daemon(parse);
            var deploy = await daemon.PostAsync<DeploySummary>(DeployFollower.Path(parse.GetValue(id)!) + "/reject", null, cancellationToken);
            if (parse.GetValue(json)) cli.Console.Json(deploy);
            else await cli.Console.Out.WriteLineAsync($"deploy {deploy.Id} of {deploy.Service} to {Show.Sha(deploy.Commit)}: {SnakeCase.Name(deploy.State)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (Argument<string?> Id, Option<bool> Json, Command Command) Create(string name, string description)
    {
        var id = CliContext.Word("DEPLOY_ID", "The waiting deploy (status lists them)");
        var json = CliContext.Json("the deploy's record");
        return (id, json, new Command(name, description + " Needs the API token.") { id, json });
    }
}
