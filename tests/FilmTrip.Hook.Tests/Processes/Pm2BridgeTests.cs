using FilmTrip.Hook.Processes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Processes;

/// <summary>
/// The pm2 bridge (one long-lived RPC connection instead of a `pm2 jlist` process per question) against a real pm2
/// daemon in a temporary PM2_HOME: it answers what the CLI answers, follows a daemon that was replaced, and never
/// starts a daemon where none runs.
/// </summary>
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
