using System.Diagnostics;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Tests.Configuration;
using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>Issue 15: a bad <c>Watch</c> stops the daemon at start with one line naming its key.</summary>
public sealed class WatchValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new("watch-config");
    private readonly JsonObject _config;

    public WatchValidationTests()
    {
        _config = HookConfig.Valid(_temp.Path);
        Directory.CreateDirectory(_temp.Combine("nginx"));
        _config.Service("backend")["Watch"] = new JsonObject { ["For"] = "00:05:00", ["AccessLog"] = _temp.Combine("nginx", "api.json.log") };
    }

    public void Dispose() => _temp.Dispose();

    private JsonObject Watch => _config.Service("backend")["Watch"]!.AsObject();

    [Fact]
    public void A_watch_whose_log_does_not_exist_yet_is_valid_and_has_the_documented_defaults()
    {
        Assert.Empty(HookConfig.Problems(_config));
        var defaults = new FilmTrip.Hook.Watch.WatchOptions();
        Assert.Equal((0.05, 50, null), (defaults.MaxErrorRate, defaults.MinRequests, defaults.MaxP95Ratio));
    }

    [Theory]
    [InlineData("For", "00:00:00", "Hook:Services:backend:Watch:For:")]
    [InlineData("MaxErrorRate", "0", "Hook:Services:backend:Watch:MaxErrorRate:")]
    [InlineData("MaxErrorRate", "1.5", "Hook:Services:backend:Watch:MaxErrorRate:")]
    [InlineData("MinRequests", "0", "Hook:Services:backend:Watch:MinRequests:")]
    [InlineData("MaxP95Ratio", "-1", "Hook:Services:backend:Watch:MaxP95Ratio:")]
    [InlineData("AccessLog", "nginx/api.json.log", "Hook:Services:backend:Watch:AccessLog:")]
    [InlineData("AccessLog", "", "Hook:Services:backend:Watch:AccessLog:")]
    public void A_bad_value_is_one_problem_naming_its_key(string key, string value, string named)
    {
        Watch[key] = value;

        Assert.StartsWith(named, HookConfig.OnlyProblem(_config));
    }

    [Fact]
    public void An_AccessLog_in_a_directory_that_does_not_exist_is_one_problem_naming_the_key()
    {
        Watch["AccessLog"] = _temp.Combine("no-such-dir", "api.json.log");

        var problem = HookConfig.OnlyProblem(_config);

        Assert.StartsWith("Hook:Services:backend:Watch:AccessLog:", problem);
        Assert.Contains("does not exist", problem);
    }

    [Fact]
    public async Task The_daemon_refuses_to_start_when_the_AccessLog_directory_cannot_be_read()
    {
        var locked = _temp.Combine("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        Watch["AccessLog"] = Path.Combine(locked, "api.json.log");
        var path = _temp.Combine("hook.json");
        await File.WriteAllTextAsync(path, _config.ToJsonString());

        // The tests run as root, who reads any directory through CAP_DAC_OVERRIDE: the daemon runs without it here,
        // as the unprivileged deploy user would.
        var (exit, output) = await RunWithoutDacOverrideAsync(path);

        Assert.Equal(2, exit);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("configuration error", StringComparison.Ordinal));
        Assert.StartsWith("filmtrip-hook: configuration error: Hook:Services:backend:Watch:AccessLog: ", line);
        Assert.Contains("cannot be read", line);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    private static async Task<(int, string)> RunWithoutDacOverrideAsync(string config)
    {
        var start = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList = { "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", "dotnet", RepoPaths.DaemonDll, "--config", config },
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
