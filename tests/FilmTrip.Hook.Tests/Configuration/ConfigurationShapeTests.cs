using System.Text;
using System.Text.Json.Nodes;
using FilmTrip.Hook.Configuration;
using FilmTrip.Hook.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace FilmTrip.Hook.Tests.Configuration;

/// <summary>
/// Issue #11 §5 through the real binding pipeline (no process): unknown keys anywhere under Hook are refused with
/// their nearest known neighbour, and a value of the wrong type is reported beside every other problem.
/// </summary>
[Trait("Tier", "InProcess")]
public sealed class ConfigurationShapeTests : IDisposable
{
    private readonly TempDirectory _temp = new("shape");
    private readonly JsonObject _config;

    public ConfigurationShapeTests() => _config = HookConfig.Valid(_temp.Path);

    public void Dispose() => _temp.Dispose();

    private string OnlyProblem() => HookConfig.OnlyProblem(_config);

    [Fact]
    public void An_unknown_key_in_a_service_names_its_path_and_the_nearest_known_key()
    {
        _config.Service("backend")["HealthChek"] = new JsonObject { ["Url"] = "http://127.0.0.1:3001/health" };

        Assert.Equal("Hook:Services:backend:HealthChek: unknown key; did you mean 'HealthCheck'?", OnlyProblem());
    }

    [Fact]
    public void An_unknown_key_at_the_top_is_refused()
    {
        _config.Hook()["Stratgy"] = "blue-green";

        Assert.StartsWith("Hook:Stratgy: unknown key; did you mean '", OnlyProblem());
    }

    [Fact]
    public void A_misspelt_service_key_is_refused_even_when_it_is_far_from_every_known_key()
    {
        _config.Service("frontend")["Stratgy"] = "blue-green";

        Assert.Matches(@"^Hook:Services:frontend:Stratgy: unknown key; did you mean '\w+'\?$", OnlyProblem());
    }

    [Theory]
    [InlineData("HealthCheck", "Timout", "Timeout")]
    [InlineData("Pm2", "Hom", "Home")]
    public void An_unknown_key_inside_a_nested_object_is_refused(string section, string key, string nearest)
    {
        _config.Service("backend")[section]![key] = "x";

        Assert.Equal($"Hook:Services:backend:{section}:{key}: unknown key; did you mean '{nearest}'?", OnlyProblem());
    }

    [Fact]
    public void An_unknown_key_inside_a_build_step_object_is_refused()
    {
        _config.Service("frontend")["Build"] = new JsonArray(
            new JsonObject { ["Run"] = new JsonArray("npm", "ci"), ["SkipWhenDependenciesUnchange"] = true });

        Assert.Equal("Hook:Services:frontend:Build:0:SkipWhenDependenciesUnchange: unknown key; did you mean 'SkipWhenDependenciesUnchanged'?",
            OnlyProblem());
    }

    [Fact]
    public void Environment_names_are_free_and_keys_are_case_insensitive()
    {
        _config.Service("backend")["Environment"] = new JsonObject { ["NODE_ENV"] = "production", ["Stratgy"] = "anything" };
        _config.Service("frontend")["keepreleases"] = 4;

        Assert.Empty(HookConfig.Problems(_config));
    }

    [Fact]
    public void A_wrong_type_is_reported_beside_every_other_problem_of_its_service()
    {
        _config.Service("frontend")["KeepReleases"] = "five";
        _config.Service("frontend")["StepTimeout"] = "ten minutes";
        _config.Service("frontend")["Root"] = "relative/frontend";
        _config.Service("frontend")["HealthCheck"]!["Url"] = "http://example.com/";
        _config.Service("frontend")["HealthChek"] = new JsonObject();

        var problems = HookConfig.Problems(_config).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                "Hook:Services:frontend:HealthCheck:Url: 'http://example.com/' must be an http(s) URL on a loopback or local address",
                "Hook:Services:frontend:HealthChek: unknown key; did you mean 'HealthCheck'?",
                "Hook:Services:frontend:KeepReleases: 'five' is not a whole number",
                "Hook:Services:frontend:Root: 'relative/frontend' must be an absolute path",
                "Hook:Services:frontend:StepTimeout: 'ten minutes' is not a time span such as 00:10:00 (hh:mm:ss)",
            ],
            problems);
    }

    [Fact]
    public void A_value_where_an_object_belongs_is_refused()
    {
        _config.Service("backend")["HealthCheck"] = "http://127.0.0.1:3001/health";

        Assert.Contains(HookConfig.Problems(_config),
            p => p.StartsWith("Hook:Services:backend:HealthCheck: must be an object with the keys Url, Timeout, StableFor", StringComparison.Ordinal));
    }

    /// <summary>Options a later issue might add: a nested section, a renamed key, a map of objects.</summary>
    private sealed class FutureOptions
    {
        [ConfigurationKeyName("max-size")]
        public int MaxSize { get; set; }
        public Dictionary<string, FutureLimit> Limits { get; set; } = [];
    }

    private sealed class FutureLimit
    {
        public TimeSpan Window { get; set; }
    }

    [Fact]
    public void Known_keys_come_from_the_options_classes_including_renamed_keys_and_maps_of_objects()
    {
        var section = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(
            """{ "F": { "max-size": 3, "MaxSize": 4, "Limits": { "any-name": { "Window": "00:01:00", "Windw": "x" }, "b": { "Window": "soon" } } } }""")))
            .Build().GetSection("F");

        var problems = ConfigurationShape.Check(section, typeof(FutureOptions)).Problems;

        Assert.Equal(
            [
                "F:Limits:any-name:Windw: unknown key; did you mean 'Window'?",
                "F:Limits:b:Window: 'soon' is not a time span such as 00:10:00 (hh:mm:ss)",
                "F:MaxSize: unknown key; did you mean 'max-size'?",
            ],
            problems.Order(StringComparer.Ordinal));
    }
}
