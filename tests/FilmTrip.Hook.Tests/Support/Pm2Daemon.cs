using System.Diagnostics;
using System.Text.Json;

namespace FilmTrip.Hook.Tests.Support;

public sealed record Pm2Process(string Name, int PmId, int Pid, string Status, int Restarts);

/// <summary>A real pm2 daemon in a temporary PM2_HOME, killed with <c>pm2 kill</c> on dispose. Never the default ~/.pm2.</summary>
public sealed class Pm2Daemon : IAsyncDisposable
{
    private Pm2Daemon(string home) => Home = home;

    public string Home { get; }

    /// <summary>pm2 from FILMTRIP_PM2, else the repository's .tools prefix (installed by .ci/run), else PATH.</summary>
    public static string Executable { get; } =
        Environment.GetEnvironmentVariable("FILMTRIP_PM2") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : File.Exists(Path.Combine(RepoPaths.Root, ".tools", "node_modules", ".bin", "pm2")) ? Path.Combine(RepoPaths.Root, ".tools", "node_modules", ".bin", "pm2")
        : "pm2";

    public static async Task<Pm2Daemon> StartAsync(string home)
    {
        Directory.CreateDirectory(home);
        var daemon = new Pm2Daemon(home);
        await daemon.RunAsync("ping");
        return daemon;
    }

    public async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--no-color");
        start.Environment["PM2_HOME"] = Home;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pm2 {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    public async Task<IReadOnlyList<Pm2Process>> ListAsync()
    {
        var output = await RunAsync("jlist");
        var start = output.StartsWith('[') ? 0 : output.IndexOf("\n[", StringComparison.Ordinal) + 1;
        using var json = JsonDocument.Parse(output[start..]);
        return json.RootElement.EnumerateArray().Select(p => new Pm2Process(
            p.GetProperty("name").GetString()!, p.GetProperty("pm_id").GetInt32(), p.GetProperty("pid").GetInt32(),
            p.GetProperty("pm2_env").GetProperty("status").GetString()!, p.GetProperty("pm2_env").GetProperty("restart_time").GetInt32())).ToList();
    }

    /// <summary>Starts a small "other tenant" app from its own directory on its own port and waits until it is online.</summary>
    public async Task<string> StartCanaryAsync(string directory, int port, string name = "other-service-a")
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "server.js"),
            $"require('http').createServer((q, s) => s.end('other tenant')).listen({port}, '127.0.0.1');");
        await RunAsync("start", Path.Combine(directory, "server.js"), "--name", name);
        await Poll.UntilAsync(async () => (await ListAsync()).Any(p => p.Name == name && p.Status == "online"),
            TimeSpan.FromSeconds(20), $"{name} online");
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("kill");
        }
        catch (InvalidOperationException)
        {
            // Already dead: nothing left to stop.
        }
    }
}
