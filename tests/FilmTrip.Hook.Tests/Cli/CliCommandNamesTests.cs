using FilmTrip.Hook.Cli;

namespace FilmTrip.Hook.Tests.Cli;

/// <summary>The daemon tells a CLI run from a start by <see cref="CliCommands.Names"/>, a list kept beside the tree.</summary>
[Trait("Tier", "InProcess")]
public sealed class CliCommandNamesTests
{
    [Fact]
    public void The_names_the_daemon_checks_are_exactly_the_command_trees_subcommands()
    {
        var tree = CliCommands.Root(new CliContext(new CliConsole(TextWriter.Null, TextWriter.Null, false))).Subcommands.Select(c => c.Name);

        Assert.Equal(tree.Order(StringComparer.Ordinal), CliCommands.Names.Order(StringComparer.Ordinal));
    }
}
