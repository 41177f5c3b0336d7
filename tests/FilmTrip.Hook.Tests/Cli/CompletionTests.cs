using System.Diagnostics;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary><c>filmtrip-hook completion bash</c>, sourced into a real bash and asked as bash asks on TAB (issue 12).</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("filmtrip-hook sta", "status")]
    [InlineData("filmtrip-hook de", "deploy deploys")]
    [InlineData("filmtrip-hook deploys --state rol", "rolled_back")]
    [InlineData("filmtrip-hook rollback --p", "--previous")]
    public async Task Bash_completes_commands_options_and_states(string line, string expected)
    {
        // As bash fills COMP_* for the completion function when TAB is pressed at the end of the line.
        var script = $$"""
            filmtrip-hook() { dotnet '{{RepoPaths.DaemonDll}}' "$@"; }
            source <(filmtrip-hook completion bash)
            COMP_LINE='{{line}}'; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"; COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _filmtrip_hook_complete filmtrip-hook
            echo "${COMPREPLY[*]}"
            """;
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

        Assert.True(bash.ExitCode == 0, await errors);
        Assert.Equal(expected, (await output).Trim());
    }
}
