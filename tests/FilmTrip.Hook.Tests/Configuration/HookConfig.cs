using System.Text;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Tests.Configuration;

/// <summary>
/// Binds a "Hook" section the way the daemon does (AddHookOptions: binder, build-step reader, secret loader, validator)
/// without starting a process, so the long tail of start-up rules stays fast.
/// </summary>
internal static class HookConfig
{
    /// <summary>A configuration that passes every check: a pm2 backend and a static frontend under <paramref name="root"/>.</summary>
    public static JsonObject Valid(string root) => new()
    {
        ["Hook"] = new JsonObject
        {
            ["DataDirectory"] = Path.Combine(root, "data"),
            ["WebhookSecret"] = "s3cret-for-validation",
            ["ApiToken"] = "token-for-validation",
            ["Services"] = new JsonObject
            {
                ["backend"] = new JsonObject
                {
                    ["Repository"] = "https://github.com/acme/filmtrip.git",
                    ["Subdirectory"] = "backend",
                    ["Root"] = Path.Combine(root, "srv", "backend"),
                    ["SharedFiles"] = new JsonArray(".env"),
                    ["SharedDirectories"] = new JsonArray("uploads"),
                    ["Build"] = new JsonArray(new JsonArray("npm", "ci", "--omit=dev"), new JsonArray("npm", "run", "migrate")),
                    ["Pm2"] = new JsonObject { ["App"] = "filmtrip-backend" },
                    ["Port"] = 3001,
                    ["HealthCheck"] = new JsonObject { ["Url"] = "http://127.0.0.1:3001/health", ["Timeout"] = "00:00:30" },
                    ["KeepReleases"] = 5,
                },
                ["frontend"] = new JsonObject
                {
                    ["Repository"] = "https://github.com/acme/filmtrip.git",
                    ["Subdirectory"] = "frontend",
                    ["Root"] = Path.Combine(root, "srv", "frontend"),
                    ["Build"] = new JsonArray(new JsonArray("npm", "ci"), new JsonArray("npm", "run", "build")),
                    ["HealthCheck"] = new JsonObject { ["Url"] = "http://localhost/", ["Timeout"] = "00:00:15" },
                },
            },
        },
    };

    public static JsonObject Hook(this JsonObject config) => config["Hook"]!.AsObject();

    public static JsonObject Service(this JsonObject config, string name) => config.Hook()["Services"]![name]!.AsObject();

    /// <summary>Every start-up problem of <paramref name="config"/>; empty when the daemon would start.</summary>
    public static IReadOnlyList<string> Problems(JsonObject config) =>
        TryBind(config, out _) is { } failures ? failures : [];

    /// <summary>The one start-up problem of <paramref name="config"/>; fails the test when there are none or several.</summary>
    public static string OnlyProblem(JsonObject config)
    {
        var problems = Problems(config);
        Assert.True(problems.Count == 1, $"expected exactly one problem, got {problems.Count}:\n" + string.Join('\n', problems));
        return problems[0];
    }

    /// <summary>The bound options (secrets loaded); fails the test when validation fails.</summary>
    public static HookOptions Bind(JsonObject config)
    {
        var failures = TryBind(config, out var options);
        Assert.True(failures is null, "unexpected configuration problems:\n" + string.Join('\n', failures ?? []));
        return options!;
    }

    private static IReadOnlyList<string>? TryBind(JsonObject config, out HookOptions? options)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(config.ToJsonString())))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHookOptions();
        using var provider = services.BuildServiceProvider();
        try
        {
            options = provider.GetRequiredService<IOptions<HookOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException e)
        {
            options = null;
            return e.Failures.ToList();
        }
    }
}
