using FilmTrip.Hook.Processes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Processes;

/// <summary>
/// The pm2 bridge (one long-lived RPC connection instead of a `pm2 jlist` process per question) against a real pm2
/// daemon in a temporary PM2_HOME: it answers what the CLI answers, follows a daemon that was replaced, and never
/// starts a daemon where none runs.
/// </summary>
[LongRunning(15)]
public sealed class Pm2BridgeTests
{
    private static int DaemonPidOf(Pm2Home home) =>
        int.Parse(File.ReadAllText(Path.Combine(home.HomeDirectory, "pm2.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task StartSleeperAsync(Pm2Home home, string name)
    {
        var script = Path.Combine(home.HomeDirectory, $"{name}.js");
        await File.WriteAllTextAsync(script, "setInterval(() => {}, 1000);\n");
        var started = await home.RunAsync("start", script, "--name", name);
        Assert.True(started.ExitCode == 0, started.StandardError);
    }

    [Fact]
    public async Task Lists_what_the_cli_lists_and_follows_a_replaced_daemon()
    {
        await using var home = new Pm2Home();
        Assert.NotNull(Pm2Bridge.PackageOf(home.Executable, home.Context("x").Environment)); // a real pm2 package here
        await home.StartDaemonAsync();
        await StartSleeperAsync(home, "bridge-a");
        using var bridge = new Pm2Bridge();
        var withBridge = new Pm2Client(new CliWrapCommandRunner(), bridge);
        var cliOnly = new Pm2Client(new CliWrapCommandRunner());
        var context = home.Context("bridge-a");

        var viaBridge = await withBridge.ListAllAsync(context, CancellationToken.None);
        var viaCli = await cliOnly.ListAllAsync(context, CancellationToken.None);
        Assert.Equal(viaCli.Select(i => (i.Name, i.PmId, i.Pid, i.Status)), viaBridge.Select(i => (i.Name, i.PmId, i.Pid, i.Status)));
        Assert.Single(viaBridge, i => i.Name == "bridge-a" && i.Status == "online");
        Assert.NotNull(await bridge.TryListAsync(context, DaemonPidOf(home), CancellationToken.None)); // the bridge answered, not the CLI

        // The same PM2_HOME with a new daemon (pm2 kill, then a new one): the bridge reconnects to the new one.
        await home.RunAsync("kill");
        await home.StartDaemonAsync();
        await StartSleeperAsync(home, "bridge-b");
        var afterRestart = await withBridge.ListAllAsync(context, CancellationToken.None);
        Assert.Equal(["bridge-b"], afterRestart.Select(i => i.Name));
        Assert.Contains("bridge-b", await bridge.TryListAsync(context, DaemonPidOf(home), CancellationToken.None) ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deletes_every_instance_of_exactly_the_named_app_and_fails_like_the_cli_for_an_unknown_name()
    {
        await using var home = new Pm2Home();
        await home.StartDaemonAsync();
        await StartSleeperAsync(home, "bridge-a");
        await StartSleeperAsync(home, "bridge-a-2"); // a name bridge-a is a prefix of
        var scaled = await home.RunAsync("scale", "bridge-a", "2");
        Assert.True(scaled.ExitCode == 0, scaled.StandardError);
        using var bridge = new Pm2Bridge();
        var client = new Pm2Client(new CliWrapCommandRunner(), bridge);
        var log = new List<string>();

        var deleted = await client.DeleteAsync(home.Context("bridge-a"), log.Add, CancellationToken.None);
        var unknown = await client.DeleteAsync(home.Context("bridge-a"), log.Add, CancellationToken.None);

        Assert.True(deleted.Succeeded);
        Assert.Matches(@"^pm2: deleted bridge-a \(pm_id \d+, \d+\) over pm2's RPC$", log[0]); // the bridge did it, not the CLI
        var left = await new Pm2Client(new CliWrapCommandRunner()).ListAllAsync(home.Context(), CancellationToken.None); // as the CLI sees it
        Assert.Equal(["bridge-a-2"], left.Select(i => i.Name));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("pm2: no app named bridge-a to delete", log[1]);
    }

    [Fact]
    public async Task Never_starts_a_daemon_where_none_runs()
    {
        await using var home = new Pm2Home();
        using var bridge = new Pm2Bridge();
        var client = new Pm2Client(new CliWrapCommandRunner(), bridge);

        var refused = await Assert.ThrowsAsync<Pm2Exception>(() => client.ListAllAsync(home.Context("x"), CancellationToken.None));

        Assert.Contains("no pm2 daemon is running", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home.HomeDirectory, "pm2.pid")));
    }
}
