using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// The real daemon as a separate process on 127.0.0.1 with a config file written by the test.
/// Stopped by its pid on dispose; <see cref="Kill"/> is kill -9.
/// </summary>
public sealed class Daemon : IAsyncDisposable
{
    public const string Secret = "It's a Secret to Everybody";
    public const string Token = "test-api-token-0123456789";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    private Daemon(Process process, int port, string configPath)
    {
        _process = process;
        Port = port;
        ConfigPath = configPath;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }
    public string ConfigPath { get; }
    public HttpClient Http { get; }
    public int Pid => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }
    /// <summary>Standard error alone (it is in <see cref="Output"/> too).</summary>
    public string Errors { get { lock (_output) return _errors.ToString(); } }

    /// <summary>A Hook section with the test secret and token, the given data directory and services.</summary>
    public static JsonObject Config(string dataDirectory, JsonObject services) => new()
    {
        ["Hook"] = new JsonObject
        {
            ["DataDirectory"] = dataDirectory,
            ["WebhookSecret"] = Secret,
            ["ApiToken"] = Token,
            ["Services"] = services,
        },
    };

    /// <summary>
    /// Writes the config and starts the daemon on it, waiting for /healthz. With <paramref name="configFromEnvironment"/>
    /// the path goes in FILMTRIP_HOOK_CONFIG instead of --config.
    /// </summary>
    public static async Task<Daemon> StartAsync(JsonObject config, string configPath, int? port = null,
        IDictionary<string, string>? environment = null, bool configFromEnvironment = false)
    {
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var daemon = configFromEnvironment
            ? Launch(null, port ?? FreePort.Get(), [],
                new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["FILMTRIP_HOOK_CONFIG"] = configPath })
            : Launch(configPath, port ?? FreePort.Get(), [], environment);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (daemon._process.HasExited)
                    throw new InvalidOperationException($"daemon exited with {daemon._process.ExitCode}:\n{daemon.Output}");
                try { return (await daemon.Http.GetAsync("/healthz")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
            }, TimeSpan.FromSeconds(30), "the daemon to answer /healthz");
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        return daemon;
    }

    /// <summary>Runs the program to completion (a CLI command or a start that must fail) and returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(string[] args, IDictionary<string, string>? environment = null)
    {
        using var process = Launch(null, null, args, environment)._process;
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(60))) != exited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"filmtrip-hook {string.Join(' ', args)} did not exit");
        }
        await exited;
        return (process.ExitCode, process.StandardOutputText());
    }

    /// <summary>Starts the program without waiting (a CLI command that follows a deploy): read <see cref="Output"/> while it runs.</summary>
    public static Daemon Spawn(string[] args, IDictionary<string, string>? environment = null) => Launch(null, null, args, environment);

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for a spawned program to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    private static Daemon Launch(string? configPath, int? port, string[] extraArgs, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoPaths.DaemonDll);
        if (configPath is not null) { start.ArgumentList.Add("--config"); start.ArgumentList.Add(configPath); }
        if (port is not null) { start.ArgumentList.Add("--urls"); start.ArgumentList.Add($"http://127.0.0.1:{port}"); }
        foreach (var arg in extraArgs) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var daemon = new Daemon(process, port ?? 0, configPath ?? "");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (daemon._output) daemon._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (daemon._output) { daemon._output.AppendLine(e.Data); daemon._errors.AppendLine(e.Data); }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessOutputs.Register(process, daemon);
        return daemon;
    }

    public Task<HttpResponseMessage> PostWebhookAsync(byte[] body, string @event = "push", string? deliveryId = null,
        string contentType = "application/json", string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-GitHub-Event", @event);
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", signature ?? Webhooks.Sign(body));
        return Http.SendAsync(request);
    }

    /// <summary>Sends a signed push of <paramref name="commit"/> and returns the deploy ids by service.</summary>
    public async Task<Dictionary<string, string>> PushAsync(string repository, string commit, string branch = "main")
    {
        var response = await PostWebhookAsync(Webhooks.PushPayload(repository, commit, branch));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"push got {response.StatusCode}: {text}");
        var deploys = JsonNode.Parse(text)!["deploys"]!.AsArray();
        return deploys.ToDictionary(d => d!["service"]!.GetValue<string>(), d => d!["deployId"]!.GetValue<string>());
    }

    /// <summary>A GET with the API token, which reads need by default; <paramref name="token"/> null sends none.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Http.SendAsync(request);
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Waits until the deploy reaches a final state and returns it.</summary>
    public async Task<JsonNode> WaitForDeployAsync(string deployId, TimeSpan? timeout = null) =>
        await Poll.UntilAsync(async () =>
        {
            var deploy = await GetJsonAsync($"/deploys/{deployId}");
            var state = deploy["deploy"]!["state"]!.GetValue<string>();
            return state is "queued" or "running" ? null : deploy;
        }, timeout ?? TimeSpan.FromSeconds(120), $"deploy {deployId} to finish");

    public async Task<HttpResponseMessage> RollbackAsync(object body, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/rollback") { Content = JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM first: the host shuts down gracefully; then kill -9 as a safety net.
            _ = FilmTrip.Hook.Native.Signal(_process.Id, 15);
            var exited = _process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(15))) != exited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

internal static class ProcessOutputs
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, Daemon> Owners = new();

    public static void Register(Process process, Daemon daemon) => Owners.AddOrUpdate(process, daemon);

    public static string StandardOutputText(this Process process) => Owners.TryGetValue(process, out var d) ? d.Output : "";
}
