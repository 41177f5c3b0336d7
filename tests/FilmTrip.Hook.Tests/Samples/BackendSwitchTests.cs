using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Samples;

/// <summary>
/// The sample backends run by plain node, with the switch files tests commit (CRASH_ON_START, HANG_ON_START,
/// FAIL_VERIFY), and the no-contract sample's lack of a contract.
/// </summary>
public sealed class BackendSwitchTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _temp = new("samples");
    private readonly List<Process> _started = [];

    [Theory]
    [InlineData("filmtrip")]
    [InlineData("nocontract")]
    public async Task Crash_switch_exits_with_an_error_before_listening(string sample)
    {
        var dir = CopyBackend(sample, "CRASH_ON_START");

        var app = Start(dir, FreePort.Get(), out _);
        await app.WaitForExitAsync(new CancellationTokenSource(Deadline).Token);

        Assert.NotEqual(0, app.ExitCode);
    }

    [Theory]
    [InlineData("filmtrip")]
    [InlineData("nocontract")]
    public async Task Hang_switch_keeps_running_but_never_listens(string sample)
    {
        var dir = CopyBackend(sample, "HANG_ON_START");
        var port = FreePort.Get();

        var app = Start(dir, port, out var output);
        await Poll.UntilAsync(() => output.Contains("HANG_ON_START present"), Deadline, "the app to say it hangs");

        Assert.False(app.HasExited);
        Assert.False(await AcceptsAsync(port));
    }

    [Fact]
    public async Task No_contract_backend_serves_its_version_and_dies_at_once_on_SIGINT()
    {
        var dir = CopyBackend("nocontract");
        var port = FreePort.Get();
        var app = Start(dir, port, out _);
        var version = await Poll.UntilAsync(() => VersionOrNullAsync(port), Deadline, "the app to answer /version");

        _ = FilmTrip.Hook.Native.Signal(app.Id, 2); // SIGINT, as pm2 sends it
        await app.WaitForExitAsync(new CancellationTokenSource(Deadline).Token);

        Assert.Equal("1", version);
        Assert.Equal(128 + 2, app.ExitCode); // killed by the signal: no handler exited it cleanly
    }

    [Fact]
    public async Task Smoke_script_passes_against_its_release_and_fails_on_FAIL_VERIFY_or_a_silent_port()
    {
        var dir = CopyBackend("nocontract");
        var port = FreePort.Get();
        Start(dir, port, out _);
        await Poll.UntilAsync(() => VersionOrNullAsync(port), Deadline, "the app to answer /version");

        var passes = await SmokeAsync(dir, port);
        var silentPort = await SmokeAsync(dir, FreePort.Get());
        File.WriteAllText(Path.Combine(dir, "FAIL_VERIFY"), "yes");
        var failVerify = await SmokeAsync(dir, port);

        Assert.Equal(0, passes);
        Assert.NotEqual(0, silentPort);
        Assert.NotEqual(0, failVerify);
    }

    private string CopyBackend(string sample, params string[] switches)
    {
        var dir = _temp.Combine(sample);
        ReleaseDirectory.CopyDirectory(Path.Combine(RepoPaths.Root, "samples", sample, "backend"), dir);
        foreach (var name in switches) File.WriteAllText(Path.Combine(dir, name), "yes");
        File.WriteAllText(Path.Combine(dir, "VERSION"), "1\n");
        return dir;
    }

    private Process Start(string dir, int port, out OutputLines output)
    {
        var start = new ProcessStartInfo("node", ["index.js"]) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(start)!;
        _started.Add(process);
        var lines = new OutputLines();
        process.OutputDataReceived += (_, e) => lines.Add(e.Data);
        process.ErrorDataReceived += (_, e) => lines.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
    }

    private static async Task<int> SmokeAsync(string dir, int port)
    {
        var result = await Programs.RunAsync("node", ["smoke.js"], dir,
            new Dictionary<string, string?> { ["PORT"] = port.ToString(CultureInfo.InvariantCulture) });
        return result.ExitCode;
    }

    private static async Task<string?> VersionOrNullAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try { return (await http.GetStringAsync($"http://127.0.0.1:{port}/version")).Trim(); }
        catch (HttpRequestException) { return null; }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try { await client.ConnectAsync("127.0.0.1", port); return true; }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
        _temp.Dispose();
    }

    private sealed class OutputLines
    {
        private readonly System.Text.StringBuilder _text = new();
        public void Add(string? line) { if (line is not null) lock (_text) _text.AppendLine(line); }
        public bool Contains(string value) { lock (_text) return _text.ToString().Contains(value, StringComparison.Ordinal); }
    }
}
