using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>
/// A word that is neither a command nor an option is a usage error, never a daemon start (issue #11: "stauts"
/// started a second daemon that ran crash recovery on the first one's deploy).
/// </summary>
public sealed class UnknownCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("unknown-command");

    public void Dispose() => _temp.Dispose();

    /// <summary>A configuration the daemon would start on, so only the routing can stop it.</summary>
    private string ValidConfig()
    {
        var path = _temp.Combine("hook.json");
        File.WriteAllText(path, Daemon.Config(DataDirectory, new JsonObject
        {
            ["web"] = new JsonObject { ["Repository"] = _temp.Combine("remote.git"), ["GitHubRepository"] = "acme/web", ["Root"] = _temp.Combine("srv", "web") },
        }).ToJsonString());
        return path;
    }

    private string DataDirectory => _temp.Combine("data");

    [Fact]
    public async Task A_typo_of_a_command_exits_64_naming_the_nearest_command_and_starts_nothing()
    {
        var (exit, output) = await Daemon.RunToEndAsync(["--config", ValidConfig(), "--urls", "http://127.0.0.1:0", "stauts"]);

        Assert.Equal(64, exit);
        Assert.Equal("""
            filmtrip-hook: Unrecognized command or argument 'stauts'.
            'stauts' was not matched. Did you mean one of the following?
            status
            see 'filmtrip-hook --help'
            """, output.Trim());
        Assert.False(Directory.Exists(DataDirectory), "a daemon started: the data directory was created");
    }

    [Fact]
    public async Task A_word_far_from_every_command_points_at_the_help()
    {
        var (exit, output) = await Daemon.RunToEndAsync(["--config", ValidConfig(), "frobnicate"]);

        Assert.Equal(64, exit);
        Assert.Equal("filmtrip-hook: Unrecognized command or argument 'frobnicate'.\nsee 'filmtrip-hook --help'", output.Trim());
    }

    [Fact]
    public async Task An_option_before_the_command_does_not_swallow_it()
    {
        var port = FreePort.Get();

        var (exit, output) = await Daemon.RunToEndAsync(["--json", "status", "--url", $"http://127.0.0.1:{port}"]);

        Assert.Equal(2, exit);
        Assert.StartsWith($"filmtrip-hook: cannot reach the daemon at http://127.0.0.1:{port} ", output);
    }
}
