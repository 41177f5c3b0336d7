using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace FilmTrip.Hook.Tests.Support;

public static class DeployAssert
{
    /// <summary>Asserts a deploy's final state; on mismatch the message carries its error and log tail.</summary>
    public static void State(string expected, JsonNode deploy)
    {
        var actual = deploy["deploy"]!["state"]!.GetValue<string>();
        if (actual == expected) return;
        throw new XunitException(
            $"deploy state: expected {expected}, got {actual}: {deploy["deploy"]!["error"]}\n--- log tail ---\n" +
            string.Join('\n', deploy["logTail"]!.AsArray().Select(l => l!.GetValue<string>())));
    }
}
