using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

namespace FilmTrip.Hook.Logging;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog to the console (journald keeps it; no colour codes unless a terminal) and to a daily rolling file
    /// under DataDirectory/logs. CreateLogger, not CreateBootstrapLogger: several hosts start in one test run. For the
    /// same reason each host logs through its own logger (preserveStaticLogger), never Serilog's static Log.Logger:
    /// with the static one, every host in a process wrote to the sinks of the host built last, and the first host
    /// to stop silenced them all (Log.CloseAndFlush).
    /// </summary>
    public static IServiceCollection AddHookLogging(this IServiceCollection services) =>
        services.AddSerilog((provider, logger) =>
        {
            var dataDirectory = provider.GetRequiredService<IOptions<HookOptions>>().Value.DataDirectory;
            const string template = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}";
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .WriteTo.Console(outputTemplate: template)
                .WriteTo.File(Path.Combine(dataDirectory, "logs", "filmtrip-hook-.log"), outputTemplate: template,
                    rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14);
        }, preserveStaticLogger: true);
}
