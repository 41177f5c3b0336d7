using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// Reads and checks the BlueGreen part of GET /status/{service} (issue 10):
/// <c>"strategy": "BlueGreen", "colors": [{"color", "app", "port", "release", "commit", "state"}, ...]</c>.
/// Failures carry the whole status, so a red test says what the daemon reported.
/// </summary>
public static class ColorAssert
{
    public static JsonNode Color(JsonNode status, string color) =>
        Colors(status).SingleOrDefault(c => c!["color"]?.GetValue<string>() == color)
        ?? throw new XunitException($"no color '{color}' in {status.ToJsonString()}");

    /// <summary>The name of the one color whose state is live.</summary>
    public static string Live(JsonNode status)
    {
        var live = Colors(status).Where(c => c!["state"]?.GetValue<string>() == "live").ToList();
        return live.Count == 1 ? live[0]!["color"]!.GetValue<string>()
            : throw new XunitException($"expected exactly one live color, got {live.Count} in {status.ToJsonString()}");
    }

    /// <summary>
    /// The color's fixed facts (app <c>{App}-{color}</c>, its port), its state and, when <paramref name="runs"/> is
    /// given, that it runs the release and commit of that deploy.
    /// </summary>
    public static void Is(BlueGreenWorld world, JsonNode status, string color, string state, JsonNode? runs = null)
    {
        Strategy("BlueGreen", status);
        var c = Color(status, color);
        Check(c["app"]?.GetValue<string>() == $"{world.App}-{color}", $"{color}.app is {world.App}-{color}", status);
        Check(c["port"]?.GetValue<int>() == world.PortOf(color), $"{color}.port is {world.PortOf(color)}", status);
        Check(c["state"]?.GetValue<string>() == state, $"{color}.state is {state}", status);
        if (runs is null) return;
        var commit = BackendWorld.CommitOf(runs);
        var release = runs["deploy"]!["releaseId"]!.GetValue<string>();
        Check(c["commit"]?.GetValue<string>() == commit, $"{color}.commit is {commit}", status);
        Check(c["release"]?.GetValue<string>() == release, $"{color}.release is {release}", status);
    }

    public static void Strategy(string expected, JsonNode status) =>
        Check(status["strategy"]?.GetValue<string>() == expected, $"strategy is {expected}", status);

    private static JsonArray Colors(JsonNode status) =>
        status["colors"] as JsonArray ?? throw new XunitException($"no colors in {status.ToJsonString()}");

    private static void Check(bool ok, string what, JsonNode status)
    {
        if (!ok) throw new XunitException($"expected {what} in {status.ToJsonString()}");
    }
}
