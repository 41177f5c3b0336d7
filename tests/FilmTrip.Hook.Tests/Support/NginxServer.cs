using System.Diagnostics;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A private nginx running bench/nginx/filmtrip.conf.template on 127.0.0.1:
/// the API server proxies to <c>backendPort</c>, the web server serves
/// <c>{frontendRoot}/current/dist</c>. Stopped by its pid on dispose.
/// <see cref="StartWithUpstreamFileAsync"/> runs the BlueGreen variant instead (see NginxServer.Upstream.cs).
/// </summary>
public sealed partial class NginxServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(5);
    private readonly Process _process;

    private NginxServer(Process process, string prefix, int apiPort, int webPort, string? upstreamFile)
    {
        _process = process;
        Prefix = prefix;
        ApiUri = new Uri($"http://127.0.0.1:{apiPort}/");
        WebUri = new Uri($"http://127.0.0.1:{webPort}/");
        UpstreamFile = upstreamFile;
    }

    public string Prefix { get; }

    /// <summary>The rendered config nginx runs (what <c>-c</c> names).</summary>
    public string ConfPath => Path.Combine(Prefix, "nginx.conf");

    /// <summary>The master's pid file: both templates say <c>pid ${PREFIX}/nginx.pid</c>.</summary>
    public string PidFile => Path.Combine(Prefix, "nginx.pid");

    public Uri ApiUri { get; }

    public Uri WebUri { get; }

    public int Pid => _process.Id;

    public static string FindExecutable() =>
        Environment.GetEnvironmentVariable("FILMTRIP_NGINX") is { Length: > 0 } fromEnv ? fromEnv
        : File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx"
        : "nginx";

    public static Task<NginxServer> StartAsync(int backendPort, string frontendRoot, CancellationToken cancellationToken = default) =>
        LaunchAsync(RepoPaths.NginxTemplate, backendPort, frontendRoot, withUpstreamFile: false, cancellationToken);

    /// <summary>
    /// nginx from bench/nginx/filmtrip-bluegreen.conf.template: the backend upstream includes <see cref="UpstreamFile"/>,
    /// written here with one server line for <paramref name="upstreamPort"/>. Without a frontend root the web server
    /// serves an empty directory.
    /// </summary>
    public static Task<NginxServer> StartWithUpstreamFileAsync(int upstreamPort, string? frontendRoot = null, CancellationToken cancellationToken = default) =>
        LaunchAsync(RepoPaths.NginxBlueGreenTemplate, upstreamPort, frontendRoot, withUpstreamFile: true, cancellationToken);

    private static async Task<NginxServer> LaunchAsync(
        string templatePath, int backendPort, string? frontendRoot, bool withUpstreamFile, CancellationToken cancellationToken)
    {
        var prefix = Directory.CreateTempSubdirectory("filmtrip-nginx-").FullName;
        MakeReadableByWorkers(prefix);
        var (apiPort, webPort) = (FreePort.Get(), FreePort.Get());
        var conf = Path.Combine(prefix, "nginx.conf");
        var upstreamFile = withUpstreamFile ? Path.Combine(prefix, UpstreamFileName) : null;
        if (upstreamFile is not null) await File.WriteAllTextAsync(upstreamFile, UpstreamLine(backendPort) + "\n", cancellationToken);
        var template = await File.ReadAllTextAsync(templatePath, cancellationToken);
        await File.WriteAllTextAsync(conf, Render(template, new Dictionary<string, string>
        {
            ["PREFIX"] = prefix,
            ["BACKEND_PORT"] = backendPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["UPSTREAM_FILE"] = upstreamFile ?? "",
            ["API_PORT"] = apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WEB_PORT"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FRONTEND_ROOT"] = frontendRoot ?? Path.Combine(prefix, "no-frontend"),
        }), cancellationToken);

        // The template says `daemon off;`, so the child we start is nginx's master.
        var process = Process.Start(new ProcessStartInfo(FindExecutable(), ["-p", prefix, "-c", conf]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("nginx did not start.");
        var server = new NginxServer(process, prefix, apiPort, webPort, upstreamFile);
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Temp dirs are created 0700; nginx started as root runs its workers as an
    /// unprivileged user (nobody), which must read the files it serves.
    /// </summary>
    public static void MakeReadableByWorkers(string directory)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // 0755
        }
    }

    /// <summary>Replaces each <c>${NAME}</c>; nginx's own <c>$host</c> and the like stay.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values) =>
        values.Aggregate(template, (text, pair) => text.Replace("${" + pair.Key + "}", pair.Value, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGQUIT: nginx's graceful shutdown; kill if it overstays.
                using (var quit = Process.Start("kill", ["-QUIT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await quit.WaitForExitAsync();
                }

                using var deadline = new CancellationTokenSource(StopDeadline);
                try
                {
                    await _process.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(Prefix, recursive: true);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {ErrorLog()}");
            }

            if (await AnswersAsync(http, new Uri(ApiUri, "health"), cancellationToken)
                && await AnswersAsync(http, WebUri, cancellationToken, anyStatus: true))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"nginx did not answer within {StartDeadline}: {ErrorLog()}");
            }

            await Task.Delay(50, cancellationToken); // poll interval, bounded by the deadline above
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri uri, CancellationToken cancellationToken, bool anyStatus = false)
    {
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            return anyStatus || response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public string ErrorLog()
    {
        var path = Path.Combine(Prefix, "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no error.log)";
    }
}
