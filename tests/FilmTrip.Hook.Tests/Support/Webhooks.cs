using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>Real GitHub payloads from ../shared/github-payloads, rewritten as a test needs and signed over the exact bytes sent.</summary>
public static class Webhooks
{
    public static string Sign(byte[] body, string secret = Daemon.Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static JsonNode RealPush() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.SharedPayloads, "push", "with-new-branch.payload.json")))!;

    public static JsonNode RealTagDeletion() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.SharedPayloads, "push", "tag-deleted.payload.json")))!;

    public static string RealPing() => File.ReadAllText(Path.Combine(RepoPaths.SharedPayloads, "ping", "payload.json"));

    public static byte[] PushPayload(string repository, string commit, string branch = "main")
    {
        var payload = RealPush();
        payload["ref"] = $"refs/heads/{branch}";
        payload["after"] = commit;
        payload["repository"]!["full_name"] = repository;
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }
}
