using FilmTrip.Hook.History;
using System.CommandLine;
using System.Globalization;
using FilmTrip.Hook.Status;

namespace FilmTrip.Hook.Cli;

/// <summary><c>filmtrip-hook status [SERVICE] [--json]</c>: what is live, what ran last, what runs now, what waits, what is kept.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext cli)
    {
        var service = CliContext.Word("SERVICE", "One service (default: every service)", optional: true);
        var json = CliContext.Json("GET /status (or /status/SERVICE)");
        var command = new Command("status",
            "Live commit and release, last deploy (id, trigger, state, finished, duration), running deploy and its step, "
            + "queue length, kept releases (the live one marked '*').") { service, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var daemon = cli.Daemon(parse);
            var name = parse.GetValue(service);
            IReadOnlyList<ServiceStatus> services = name is null
                ? (await daemon.GetAsync<StatusResponse>("/status", cancellationToken)).Services
                : [await daemon.GetAsync<ServiceStatus>($"/status/{Uri.EscapeDataString(name)}", cancellationToken)];
            if (parse.GetValue(json))
            {
                if (name is null) cli.Console.Json(new StatusResponse(services));
                else cli.Console.Json(services[0]);
            }
            else Write(services, cli.Console);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(IReadOnlyList<ServiceStatus> services, CliConsole console)
    {
        var table = CliConsole.Table("SERVICE", "LIVE COMMIT", "RELEASE", "LAST DEPLOY", "TRIGGER", "STATE", "FINISHED", "DURATION", "RUNNING", "QUEUED");
        foreach (var s in services)
        {
            var last = s.LastDeploy;
            CliConsole.Row(table, s.Name, Show.Sha(s.Current?.Commit), Show.Text(s.Current?.ReleaseId), Show.Text(last?.Id), Show.Text(last is null ? null : SnakeCase.Name(last.Trigger)),
                Show.Text(last is null ? null : SnakeCase.Name(last.State)), Show.Time(last?.FinishedAt), Show.Seconds(last?.DurationSeconds), Running(s.Running),
                s.Queued.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);

        if (services.Any(s => s.Awaiting.Count > 0))
        {
            console.Out.WriteLine();
            console.Out.WriteLine("Awaiting approval (filmtrip-hook approve DEPLOY_ID, or reject DEPLOY_ID):");
            var waiting = CliConsole.Table("SERVICE", "DEPLOY", "COMMIT", "QUEUED");
            foreach (var s in services)
                foreach (var d in s.Awaiting)
                    CliConsole.Row(waiting, s.Name, d.Id, Show.Sha(d.Commit), Show.Time(d.QueuedAt));
            console.Write(waiting);
        }

        console.Out.WriteLine();
        console.Out.WriteLine("Kept releases, newest first (* = live):");
        var releases = CliConsole.Table("SERVICE", "RELEASE", "COMMIT", "BUILT");
        foreach (var s in services)
            foreach (var r in s.Releases)
                CliConsole.Row(releases, s.Name, (r.ReleaseId == s.Current?.ReleaseId ? "* " : "  ") + r.ReleaseId, Show.Sha(r.Commit), Show.Time(r.Time));
        console.Write(releases);
    }

    private static string Running(RunningDeploy? running) => running is null
        ? Show.None
        : $"{running.Id} {running.Step ?? "starting"} ({Show.Seconds(running.ElapsedSeconds)})";
}
