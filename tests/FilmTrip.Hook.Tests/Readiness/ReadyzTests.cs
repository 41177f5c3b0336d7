using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Readiness;

/// <summary>GET /readyz (issue #13): ready once recovery ran and the queue is up; 503 with the reason when a write would fail.</summary>
public sealed class ReadyzTests : IAsyncLifetime
{
    private StaticWorld _world = null!;

    public async Task InitializeAsync() => _world = await StaticWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Readyz_answers_200_once_the_daemon_is_up_and_healthz_is_unchanged()
    {
        var ready = await Poll.UntilAsync(async () =>
        {
            var response = await _world.Daemon.GetAsync("/readyz", token: null);
            return response.StatusCode == HttpStatusCode.OK ? response : null;
        }, TimeSpan.FromSeconds(30), "/readyz to answer 200");

        Assert.Equal("ready", JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        using var health = await _world.Daemon.GetAsync("/healthz", token: null);
        Assert.Equal("{\"status\":\"ok\"}", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_answers_200_only_once_recovery_has_finished_a_deploy_a_crash_left_running()
    {
        // kill -9 needs a daemon process of its own.
        await using var world = await StaticWorld.StartAsync(host: DaemonHost.Process);
        world.CloseGate("web");
        var id = (await world.PushAsync(world.Commit("2", "web")))["web"];
        await BuildSteps.WaitUntilStartedAsync(world.Gate("web"));
        await world.Daemon.KillAsync();
        world.OpenGate("web"); // the orphaned build step ends; the deploy stays 'running' in history

        await world.RestartAsync();
        await Poll.UntilAsync(async () => (await world.Daemon.GetAsync("/readyz", token: null)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "/readyz to answer 200");

        // Ready means recovery ran: the deploy the crash left running is already finished.
        DeployAssert.State("interrupted", await world.Daemon.GetJsonAsync($"/deploys/{id}"));
    }

    [Fact]
    public async Task Readyz_answers_503_naming_the_service_whose_root_is_not_writable()
    {
        var root = _world.Root("web");
        Directory.CreateDirectory(root);

        var detail = await NotReadyDetailWhileReadOnlyAsync(root);

        Assert.Contains($"service 'web': Root {root} is not writable", detail);
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_history_database_cannot_be_written_and_200_again_once_it_can()
    {
        var database = Path.Combine(_world.DataDirectory, "history.db");

        var detail = await NotReadyDetailWhileReadOnlyAsync(database, mustExist: true);

        Assert.StartsWith("the history database cannot be written: ", detail);
    }

    /// <summary>
    /// Once /readyz answers 200, makes <paramref name="path"/> read-only, checks that /readyz answers 503
    /// problem+json and returns its detail, then makes it writable again and checks that /readyz answers 200.
    /// </summary>
    private async Task<string> NotReadyDetailWhileReadOnlyAsync(string path, bool mustExist = false)
    {
        await Poll.UntilAsync(async () => (await _world.Daemon.GetAsync("/readyz", token: null)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "/readyz to answer 200 first");
        if (mustExist) Assert.True(File.Exists(path), $"{path} exists");
        string detail;
        try
        {
            ReadOnly(path, true);

            using var response = await _world.Daemon.GetAsync("/readyz", token: null);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
        }
        finally
        {
            ReadOnly(path, false);
        }
        using var again = await _world.Daemon.GetAsync("/readyz", token: null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        return detail;
    }

    /// <summary>
    /// Root ignores a file's or directory's mode, so as root it is made immutable (ext4, xfs, btrfs: chattr +i);
    /// otherwise its write bits are taken away.
    /// </summary>
    private static void ReadOnly(string path, bool on)
    {
        if (Environment.UserName != "root")
        {
            File.SetUnixFileMode(path, on ? (UnixFileMode)0b101_101_101 : (UnixFileMode)0b111_101_101);
            return;
        }
        using var chattr = Process.Start(new ProcessStartInfo("chattr", [on ? "+i" : "-i", path]) { RedirectStandardError = true })!;
        chattr.WaitForExit();
        Assert.True(chattr.ExitCode == 0, $"chattr {(on ? "+i" : "-i")} {path}: {chattr.StandardError.ReadToEnd()}");
    }
}
