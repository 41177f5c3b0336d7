namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook log &lt;deployId&gt; [--follow] [--json]</c>: a deploy's full log, optionally as it grows.</summary>
internal static class LogCommand
{
    public static readonly CommandShape Shape = new("log", [], ["follow", "json"], 1, 1);

    public static async Task<int> RunAsync(CliArguments args, DaemonClient daemon, TextWriter output, CancellationToken cancellationToken)
    {
        var path = "/deploys/" + Uri.EscapeDataString(args.Positionals[0]);
        if (args.Flag("json"))
        {
            if (args.Flag("follow")) throw CliArguments.Usage(Shape, "--json and --follow do not go together");
            output.WriteLine(await daemon.GetTextAsync(path, cancellationToken));
            return ExitCodes.Ok;
        }
        if (!args.Flag("follow"))
        {
            output.Write(await daemon.GetTextAsync(path + "?log=full", cancellationToken));
            return ExitCodes.Ok;
        }

        // Print whole lines as they appear; the deploy's state is read before the log, so once it is final
        // the log read after it is complete and its last partial line (if any) can be printed too.
        var printed = 0;
        using var timer = new PeriodicTimer(DeployFollower.PollInterval);
        while (true)
        {
            var state = (await daemon.GetJsonAsync(path, cancellationToken))["deploy"]!["state"]!.GetValue<string>();
            var log = await daemon.GetTextAsync(path + "?log=full", cancellationToken);
            var final = Show.IsFinal(state);
            var end = final ? log.Length : log.LastIndexOf('\n') + 1;
            if (end > printed)
            {
                output.Write(log[printed..end]);
                await output.FlushAsync(cancellationToken);
                printed = end;
            }
            if (final) return ExitCodes.Ok;
            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }
}
