using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// <c>filmtrip-hook &lt;command&gt;</c>: the operator CLI on the daemon's own binary (issue #7), parsed by
/// System.CommandLine (help, suggestions, completion; issue 12). Read commands use the HTTP API's GETs; rollback,
/// deploy, approve and reject its token-protected POSTs.
/// </summary>
public static class CliApp
{
    /// <summary>
    /// True when args name a CLI command, or hold a word that is neither a command nor an option: that is a usage
    /// error (exit 64), never a daemon start (issue #11: "stauts" started a second daemon). The daemon starts only
    /// without a command.
    /// </summary>
    public static bool Handles(string[] args) => FirstWord(args) >= 0;

    /// <summary>
    /// Where the first word that is not an option is: the command, first or after options
    /// (<c>filmtrip-hook --config FILE status</c>); -1 when there is none. An option without "=" takes the next
    /// argument (unless it is a command or an option) as its value, as the daemon's command-line configuration reads it
    /// (<c>--urls URL</c>); a <c>key=value</c> word is that configuration too.
    /// </summary>
    private static int FirstWord(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (CliCommands.Names.Contains(args[i]) || args[i] is "--help" or "-h" or "-?" or "--version") return i;
            if (args[i].StartsWith('-'))
            {
                if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !CliCommands.Names.Contains(args[i + 1])
                    && !args[i + 1].StartsWith('-')) i++;
                continue;
            }
            if (!args[i].Contains('=', StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliConsole.Standard());

    /// <summary>
    /// Runs a command line to its exit code, writing to <paramref name="console"/>: the process's own streams, or a
    /// test's writers (the CLI tests run most commands in their own process this way, without a .NET start each).
    /// </summary>
    internal static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var cli = new CliContext(console);
        var error = console.Error;
        var root = CliCommands.Root(cli);
        var at = FirstWord(args);
        // The command first, then whatever came before and after it; a word that is no command is parsed alone, so
        // its error (with System.CommandLine's "did you mean") is not buried under the daemon's own options.
        string[] line = CliCommands.Names.Contains(args[at]) || args[at].StartsWith('-') ? [args[at], .. args[..at], .. args[(at + 1)..]] : args[at..(at + 1)];
        if (args[at].StartsWith("[suggest:", StringComparison.Ordinal)) line = args[at..];
        var parse = root.Parse(line);
        if (parse.Errors.Count > 0) return UsageError(parse, error);

        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = console.Out, Error = error }, cancellationToken);
        }
        catch (CliFailure failure)
        {
            await error.WriteLineAsync($"filmtrip-hook: {failure.Message}");
            return failure.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            foreach (var problem in e.Failures) await error.WriteLineAsync($"filmtrip-hook: {problem}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }

    /// <summary>
    /// Each parse error on one line naming the command, then System.CommandLine's typo corrections ("did you mean")
    /// and where to read more; exit 64 (sysexits' EX_USAGE), never a request to the daemon.
    /// </summary>
    private static int UsageError(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        var prefix = command is RootCommand ? "filmtrip-hook" : $"filmtrip-hook {command.Name}";
        // "Required command was not provided" only repeats that the word given is not a command.
        var errors = parse.Errors
            .Where(e => parse.Errors.Count == 1 || e.SymbolResult is not CommandResult { Command: RootCommand } || parse.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal)))
            .ToList();
        foreach (var problem in errors)
            error.WriteLine($"{prefix}: {problem.Message}");
        if (parse.Action is ParseErrorAction action)
        {
            action.ShowHelp = false;
            action.ShowTypoCorrections = true;
            var written = new StringWriter();
            parse.Invoke(new InvocationConfiguration { Output = written, Error = written });
            // The action writes the corrections, then the errors again: keep the corrections.
            var text = written.ToString();
            var end = parse.Errors.Select(e => text.IndexOf(e.Message, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(text.Length).Min();
            error.Write(text[..end].TrimEnd() is { Length: > 0 } corrections ? corrections + Environment.NewLine : "");
        }
        error.WriteLine($"see '{prefix} --help'");
        return ExitCodes.Usage;
    }
}
