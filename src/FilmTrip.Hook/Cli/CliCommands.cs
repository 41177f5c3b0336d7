using System.CommandLine;

namespace FilmTrip.Hook.Cli;

/// <summary>The command tree: one <see cref="Command"/> per file, shared options from <see cref="CliContext"/>.</summary>
internal static class CliCommands
{
    /// <summary>
    /// The commands' names, for telling a CLI run from a daemon start without building the tree: the daemon starts
    /// without it (about 225 fewer methods to JIT). <c>CliCommandNamesTests</c> keeps this list equal to the tree's.
    /// </summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "status", "deploys", "log", "rollback", "deploy", "approve", "reject", "check-config", "completion",
    };

    public static RootCommand Root(CliContext cli)
    {
        var root = new RootCommand("filmtrip-hook: signed GitHub push webhooks -> zero-downtime deploys (pm2 + nginx)")
        {
            StatusCommand.Create(cli), DeploysCommand.Create(cli), LogCommand.Create(cli), RollbackCommand.Create(cli),
            DeployCommand.Create(cli), ApprovalCommands.Approve(cli), ApprovalCommands.Reject(cli), CheckConfigCommand.Create(cli),
            CompletionCommand.Create(cli), cli.Config, cli.Url,
        };
        HelpText.Customize(root);
        return root;
    }
}
