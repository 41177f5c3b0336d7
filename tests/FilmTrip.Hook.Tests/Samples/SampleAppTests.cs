using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Samples;

/// <summary>The sample FilmTrip app under real pm2 and real nginx, as a deploy lays it out.</summary>
[LongRunning(14)]
public sealed class SampleAppTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Backend_version_is_served_through_nginx_by_two_cluster_workers()
    {
        using var releases = new ReleaseDirectory();
        releases.AddRelease("backend", "1", "1");
        await releases.SwitchToAsync("1");
        await using var pm2 = new Pm2Home();
        var port = await StartBackendAsync(pm2, releases);
        await using var nginx = await NginxServer.StartAsync(port, releases.Root);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var version = await Poll.UntilAsync(() => VersionOrNullAsync(http, new Uri(nginx.ApiUri, "version"), "1"), Deadline, "/version through nginx");

        Assert.Equal("1", version);
        var workers = await pm2.JlistAsync();
        Assert.Equal(2, workers.Count(w => w is { Name: "filmtrip-backend", Status: "online" }));
    }

    [Fact]
    public async Task Reload_after_switching_current_runs_the_new_release()
    {
        using var releases = new ReleaseDirectory();
        releases.AddRelease("backend", "1", "1");
        releases.AddRelease("backend", "2", "2");
        await releases.SwitchToAsync("1");
        await using var pm2 = new Pm2Home();
        var port = await StartBackendAsync(pm2, releases);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var versionUri = new Uri($"http://127.0.0.1:{port}/version");
        await Poll.UntilAsync(() => VersionOrNullAsync(http, versionUri, "1"), Deadline, "release 1 answering");

        await releases.SwitchToAsync("2");
        var reload = await pm2.RunAsync("reload", "filmtrip-backend", "--update-env");

        Assert.Equal(0, reload.ExitCode);
        // A new connection per request (node's cluster hands connections round-robin), until both workers answered.
        var workers = (await pm2.JlistAsync()).Where(w => w.Name == "filmtrip-backend").Select(w => w.Pid).Order().ToList();
        var answered = new Dictionary<int, string>();
        using var fresh = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/")) { Headers = { ConnectionClose = true } };
            var root = System.Text.Json.Nodes.JsonNode.Parse(await (await fresh.SendAsync(request)).Content.ReadAsStringAsync())!;
            answered[root["pid"]!.GetValue<int>()] = root["version"]!.GetValue<string>();
            return answered.Count == 2;
        }, Deadline, "both workers to answer");
        Assert.Equal(2, workers.Count);
        Assert.Equal(workers, answered.Keys.Order());
        Assert.All(answered.Values, v => Assert.Equal("2", v));
    }

    [Fact]
    public async Task Frontend_is_served_from_current_and_follows_a_switch()
    {
        using var releases = new ReleaseDirectory();
        foreach (var id in new[] { "1", "2" })
        {
            await ReleaseDirectory.RunNodeAsync(releases.AddRelease("frontend", id, id), "build.js");
        }

        await releases.SwitchToAsync("1");
        await using var nginx = await NginxServer.StartAsync(FreePort.Get(), releases.Root);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var before = await http.GetStringAsync(nginx.WebUri);

        await releases.SwitchToAsync("2");
        var after = await http.GetStringAsync(nginx.WebUri);

        Assert.Contains("<span id=\"version\">1</span>", before, StringComparison.Ordinal);
        Assert.Contains("<span id=\"version\">2</span>", after, StringComparison.Ordinal);
    }

    /// <summary>Starts the app the way a deploy does; --cwd keeps the symlink path (see samples/filmtrip/README.md).</summary>
    private static async Task<int> StartBackendAsync(Pm2Home pm2, ReleaseDirectory releases)
    {
        var port = FreePort.Get();
        var start = await pm2.RunAsync(
            new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["start", Path.Combine(releases.Current, "ecosystem.config.js"), "--only", "filmtrip-backend", "--cwd", releases.Current]);
        Assert.True(start.ExitCode == 0, start.StandardOutput + start.StandardError);
        return port;
    }

    private static async Task<string?> VersionOrNullAsync(HttpClient http, Uri uri, string expected) =>
        await GetOrEmptyAsync(http, uri) == expected ? expected : null;

    private static async Task<string> GetOrEmptyAsync(HttpClient http, Uri uri)
    {
        try
        {
            return (await http.GetStringAsync(uri)).Trim();
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}
