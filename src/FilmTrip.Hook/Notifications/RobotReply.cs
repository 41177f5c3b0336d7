using System.Net;
using System.Text.Json;

namespace FilmTrip.Hook.Notifications;

/// <summary>Thrown for an answer a retry may cure (5xx, 408, 429): Polly retries on it.</summary>
internal sealed class RobotBusyException(string message) : Exception(message);

/// <summary>Thrown for an answer a retry cannot cure (other 4xx, a robot's own error code such as a bad signature).</summary>
internal sealed class RobotRefusedException(string message) : Exception(message);

/// <summary>
/// Reads a robot's answer. DingTalk and WeCom answer 200 with <c>{"errcode": 0}</c> on success and a non-zero errcode
/// otherwise (bad sign, keyword missing); Feishu answers <c>{"code": 0}</c> (older bots: <c>StatusCode</c>); Slack and
/// generic receivers: any 2xx.
/// </summary>
internal static class RobotReply
{
    public static void Check(NotificationKind kind, HttpStatusCode status, string body)
    {
        var code = (int)status;
        if (code is 408 or 429 or >= 500) throw new RobotBusyException($"HTTP {code}");
        if (code is < 200 or >= 300) throw new RobotRefusedException($"HTTP {code}: {Clip(body)}");
        if (kind is not (NotificationKind.DingTalk or NotificationKind.WeCom or NotificationKind.Feishu)) return;
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var name in new[] { "errcode", "code", "StatusCode" })
                if (json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt64() != 0)
                    throw new RobotRefusedException($"{name} {value.GetInt64()}: {Clip(body)}");
        }
        catch (JsonException)
        {
            throw new RobotRefusedException($"the answer is not JSON: {Clip(body)}");
        }
    }

    private static string Clip(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
