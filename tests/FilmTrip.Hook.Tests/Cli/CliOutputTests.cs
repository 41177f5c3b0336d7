using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>What the CLI prints on a terminal and when piped (issue 12): JSON layout and live progress.</summary>
[LongRunning(27)]
public sealed class CliOutputTests : CliWorldTest
{
    private string[] Args(params string[] args) => [.. args, "--config", World.Daemon.ConfigPath, "--url", World.DaemonUrl];

    [Fact]
    public async Task Json_is_one_line_when_piped_and_indented_on_a_terminal()
    {
        var (sha, _) = await World.PushVersionAsync("2");

        var piped = await CliProcess.RunAsync(Args("status", "--json"));
        var terminal = await CliProcess.RunAsync(Args("status", "--json"), terminal: true);

        Assert.Equal(0, piped.ExitCode);
        Assert.Single(piped.Stdout.TrimEnd().Split('\n'));
        Assert.Equal(sha, JsonNode.Parse(piped.Stdout)!["services"]![0]!["current"]!["commit"]!.GetValue<string>());
        Assert.Equal(0, terminal.ExitCode);
        Assert.Contains("{\r\n  \"services\": [\r\n    {\r\n      \"name\": \"frontend\",", terminal.Stdout);
        Assert.Equal(sha, JsonNode.Parse(WithoutTerminalModes(terminal.Stdout))!["services"]![0]!["current"]!["commit"]!.GetValue<string>());
    }

    /// <summary>.NET switches a terminal's keypad mode (ESC [?1h ESC =) before the first write; a terminal shows nothing of it.</summary>
    private static string WithoutTerminalModes(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\u001b\[\?1[hl]|\u001b[=>]", "");

    [Theory]
    [InlineData("deploys")]
    [InlineData("log")]
    [InlineData("deploy")]
    [InlineData("rollback")]
    [InlineData("check-config")]
    public async Task Every_command_answers_json(string command)
    {
        var (v2, deploy) = await World.PushVersionAsync("2");
        await World.PushVersionAsync("3");
        string[] args = command switch
        {
            "log" => ["log", deploy["deploy"]!["id"]!.GetValue<string>()],
            "deploy" => ["deploy", "frontend", "--wait"],
            "rollback" => ["rollback", v2[..8], "--wait"],
            _ => [command],
        };

        var result = await CliProcess.RunAsync(Args([.. args, "--json"]));

        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var json = JsonNode.Parse(result.Stdout)!;
        switch (command)
        {
            case "log": Assert.Equal(deploy["deploy"]!["id"]!.GetValue<string>(), json["deploy"]!["id"]!.GetValue<string>()); break;
            case "check-config": Assert.True(json["ok"]!.GetValue<bool>()); break;
            default: Assert.All(json["deploys"]!.AsArray(), d => Assert.Equal("succeeded", d!["state"]!.GetValue<string>())); break;
        }
    }

    [Fact]
    public async Task Deploy_wait_on_a_terminal_shows_the_running_step_with_its_elapsed_time_and_piped_prints_plain_lines()
    {
        // A build that takes a second and a half: the live line is redrawn several times while it runs.
        World.Repo.Write("frontend/build.js",
            "const fs = require('fs'); setTimeout(() => { fs.mkdirSync('dist', {recursive: true}); fs.writeFileSync('dist/index.html', 'v9'); }, 1500);");
        World.Repo.CommitAndPush("slow build");

        var terminal = await CliProcess.RunAsync(Args("deploy", "frontend", "--wait"), terminal: true);
        var piped = await CliProcess.RunAsync(Args("deploy", "frontend", "--wait"));

        Assert.Equal(0, terminal.ExitCode);
        Assert.Matches(@"of frontend: build: node build\.js \(\d+\.\ds\)", terminal.Stdout);
        Assert.Contains("\u001b[", terminal.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"build: node build\.js\s+\d+\.\ds\s+ok", terminal.Stdout);
        Assert.Equal(0, piped.ExitCode);
        Assert.DoesNotContain("\u001b", piped.Stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\(\d+\.\ds\)", piped.Stdout);
        Assert.Matches(@"\n  build: node build\.js\s+\d+\.\ds\s+ok\n", piped.Stdout);
        Assert.Equal("v9", World.LiveVersion);
    }
}
