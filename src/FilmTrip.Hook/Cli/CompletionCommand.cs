using System.CommandLine;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// <c>filmtrip-hook completion bash</c>: a bash completion script. Decided over dotnet-suggest: a server has the daemon's
/// binary but rarely a .NET global tool, so the script asks the binary itself through System.CommandLine's
/// <c>[suggest:N]</c> directive; commands, options and their values stay in one place (the parser).
/// </summary>
internal static class CompletionCommand
{
    public const string Bash = """
        # bash completion for filmtrip-hook; install: filmtrip-hook completion bash | sudo tee /etc/bash_completion.d/filmtrip-hook
        _filmtrip_hook_complete() {
            # The line up to the cursor, without the program's own name: what the parser completes.
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#"${COMP_WORDS[0]}"}"
            line="${line#" "}"
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$("$1" "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _filmtrip_hook_complete filmtrip-hook
        """;

    public static Command Create(CliContext cli)
    {
        var shell = new Argument<string>("SHELL") { Description = "The shell (bash)" };
        shell.AcceptOnlyFromAmong("bash");
        var command = new Command("completion", "Print a shell completion script: source <(filmtrip-hook completion bash)") { shell };
        command.SetAction(async (parse, _) =>
        {
            await cli.Console.Out.WriteLineAsync(Bash);
            return ExitCodes.Ok;
        });
        return command;
    }
}
