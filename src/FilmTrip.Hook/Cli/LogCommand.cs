using FilmTrip.Hook.History;
using System.CommandLine;
using FilmTrip.Hook.Status;

namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook log DEPLOY_ID [--follow] [--json]</c>: a deploy's full log, optionally as it grows.</summary>
internal static class LogCommand
{
    public static Command Create(CliContext cli)
    {
        var id = CliContext.Word("DEPLOY_ID", "The deploy (as status, deploys and the webhook answer name it)");
        var follow = new Option<bool>("--follow") { Description = "Keep printing new lines until the deploy reaches a final state, the running step and its elapsed time below them on a terminal" };
        var json = CliContext.Json("GET /deploys/DEPLOY_ID instead (the deploy, its steps and its log tail)");
        var command = new Command("log", "A deploy's full log (GET /deploys/DEPLOY_ID?log=full).") { id, follow, json };
        command.Validators.Add(r =>
        {
            if (r.GetValue(follow) && r.GetValue(json)) r.AddError("--json and --follow do not go together");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = DeployFollower.Path(parse.GetValue(id)!);
            using var daemon = cli.Daemon(parse);
            if (parse.GetValue(json))
                cli.Console.Json(await daemon.GetAsync<DeployDetail>(path, cancellationToken));
            else if (parse.GetValue(follow))
                await FollowAsync(path, daemon, cli.Console, cancellationToken);
            else
                await cli.Console.Out.WriteAsync(await daemon.GetTextAsync(path + "?log=full", cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Prints whole lines as they appear; the deploy's state is read before the log, so once it is final the log read
    /// after it is complete and its last partial line (if any) can be printed too.
    /// </summary>
    private static Task<bool> FollowAsync(string path, DaemonClient daemon, CliConsole console, CancellationToken cancellationToken) =>
        LiveProgress.RunAsync(console, "waiting for the deploy", async progress =>
        {
            var printed = 0;
            using var timer = new PeriodicTimer(DeployFollower.PollInterval);
            while (true)
            {
                var detail = await daemon.GetAsync<DeployDetail>(path, cancellationToken);
                var log = await daemon.GetTextAsync(path + "?log=full", cancellationToken);
                var final = DeployStates.IsFinal(detail.Deploy.State);
                var end = final ? log.Length : log.LastIndexOf('\n') + 1;
                if (end > printed)
                {
                    await progress.WriteAsync(log[printed..end], cancellationToken);
                    printed = end;
                }
                if (final) return true;
                progress.Status(DeployFollower.Running(detail));
                await timer.WaitForNextTickAsync(cancellationToken);
            }
        });
}
