using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Cli;

public sealed class ReadmeUsageTests
{
    [Fact]
    public async Task README_shows_the_same_usage_as_help()
    {
        var (exitCode, output) = await Daemon.RunToEndAsync(["--help"]);

        Assert.Equal(0, exitCode);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Contains(output.Trim(), readme);
    }
}
