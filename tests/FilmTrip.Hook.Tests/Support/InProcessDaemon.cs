using System.Net;
using FilmTrip.Hook.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// The daemon's whole app (Program.cs: options, lock, recovery, endpoints, queue, worker, history, watch) with nothing
/// replaced, on a real Kestrel port of 127.0.0.1 in the test process, reading the config file the world wrote as
/// <c>--config</c> would. Unlike InProcess/HookHost, git, build steps, pm2, nginx and time are the real ones. It
/// saves what a spawned daemon spends before its first request (a runtime start and its JIT, about 1 CPU-s each).
/// </summary>
internal sealed class InProcessDaemon(string configPath) : WebApplicationFactory<Program>
{
    /// <summary>Starts the app (the daemon lock, crash recovery, then the port) and returns the port it bound.</summary>
    public async Task<int> StartAsync()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        // StartServer blocks until Program.cs's app.Run() has started the host: off the test's thread.
        await Task.Run(StartServer);
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address).Port;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Program sets ContentRootPath to the binary's directory and the service runs as Production: keep both.
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(config => JsonConfigFile.Add(config, configPath, optional: false));
    }
}

/// <summary>
/// The test process's standard output goes nowhere. Each in-process daemon logs to its own files
/// (DataDirectory/logs, <see cref="Daemon.LogText"/>) and to the console, and the console of a test process is one
/// for every daemon that runs in it at once: interleaved there, the lines would say nothing, and cost the run CPU.
/// Test results do not go through it (xunit reports to the runner), nor do the CLI's in-process runs (their own writers).
/// </summary>
internal static class QuietConsole
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Silence() => Console.SetOut(TextWriter.Null);
}
