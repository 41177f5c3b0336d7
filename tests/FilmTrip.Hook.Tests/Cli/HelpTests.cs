using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

public sealed class HelpTests
{
    [Fact]
    public async Task Help_lists_every_command_and_the_exit_codes()
    {
        var (exit, output) = await Daemon.RunToEndAsync(["--help"]);

        Assert.Equal(0, exit);
        foreach (var usage in new[] { "status <SERVICE>", "deploys <SERVICE>", "log <DEPLOY_ID>", "rollback <COMMIT>", "deploy <SERVICE>",
                     "approve <DEPLOY_ID>", "reject <DEPLOY_ID>", "check-config", "completion <bash>" })
            Assert.Contains("\n  " + usage + " ", output);
        foreach (var code in new[] { "0 ", "1 ", "2 ", "3 ", "4 ", "64 " })
            Assert.Contains("\n  " + code, output);
    }

    [Fact]
    public async Task README_shows_the_same_usage_as_help()
    {
        var (exit, output) = await Daemon.RunToEndAsync(["--help"]);

        Assert.Equal(0, exit);
        Assert.Contains(output.Trim(), await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md")));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("deploys")]
    [InlineData("log")]
    [InlineData("rollback")]
    [InlineData("deploy")]
    [InlineData("check-config")]
    [InlineData("approve")]
    [InlineData("reject")]
    [InlineData("completion")]
    public async Task Each_command_has_its_own_help(string command)
    {
        var (exit, output) = await CliInProcess.RunAsync([command, "--help"]);

        Assert.Equal(0, exit);
        Assert.StartsWith("Description:", output);
        // The program's name is the running executable's (System.CommandLine): filmtrip-hook, or the test host here;
        // Help_lists_every_command_and_the_exit_codes runs the program itself.
        Assert.Contains($"Usage:\n  {System.CommandLine.RootCommand.ExecutableName} {command} ", output);
        Assert.Contains("Exit codes:", output);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error()
    {
        var (exit, output) = await CliInProcess.RunAsync(["status", "--colour"]);

        Assert.Equal(64, exit);
        Assert.Equal("filmtrip-hook status: unknown option '--colour'\nsee 'filmtrip-hook status --help'", output.Trim());
    }

    [Fact]
    public async Task Common_options_may_come_before_the_command()
    {
        var port = FreePort.Get();

        var (exit, output) = await CliInProcess.RunAsync(["--url", $"http://127.0.0.1:{port}", "status"]);

        Assert.Equal(2, exit);
        Assert.StartsWith($"filmtrip-hook: cannot reach the daemon at http://127.0.0.1:{port} ", output);
    }
}
