using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Notifications;

/// <summary>
/// One HTTP request per robot, in the shape its documentation gives (pure: no I/O). DingTalk custom robot: markdown
/// message, signed robots get <c>timestamp</c> (ms) and <c>sign</c> = urlencode(base64(HmacSHA256(secret,
/// timestamp+"\n"+secret))) in the query. WeCom group robot: markdown. Feishu custom bot: text, signed bots get
/// <c>timestamp</c> (s) and <c>sign</c> = base64(HmacSHA256(key: timestamp+"\n"+secret, message: empty)) in the body.
/// Slack incoming webhook: text plus one mrkdwn section block. Generic: the notice as JSON, signed like GitHub signs
/// its webhooks (X-FilmTrip-Signature-256: sha256=hex) when a Secret is set.
/// </summary>
internal static class RobotPayloads
{
    public const string GenericSignatureHeader = "X-FilmTrip-Signature-256";

    public static HttpRequestMessage Build(NotificationOptions sink, DeployNotice notice, DateTimeOffset now)
    {
        var url = sink.Url;
        JsonObject body;
        switch (sink.Kind)
        {
            case NotificationKind.DingTalk:
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["title"] = notice.Title, ["text"] = Markdown(notice) } };
                if (sink.Secret.Length > 0)
                {
                    var timestamp = now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(sink.Secret), Encoding.UTF8.GetBytes($"{timestamp}\n{sink.Secret}")));
                    url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}";
                }
                break;
            case NotificationKind.WeCom:
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = Markdown(notice) } };
                break;
            case NotificationKind.Feishu:
                body = new JsonObject();
                if (sink.Secret.Length > 0)
                {
                    var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    body["timestamp"] = timestamp;
                    body["sign"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{sink.Secret}"), Array.Empty<byte>()));
                }
                body["msg_type"] = "text";
                body["content"] = new JsonObject { ["text"] = notice.Title + "\n" + string.Join("\n", notice.Lines().Select(l => $"{l.Label}: {l.Value}")) };
                break;
            case NotificationKind.Slack:
                body = new JsonObject
                {
                    ["text"] = SlackEscape(notice.Title),
                    ["blocks"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "section",
                        ["text"] = new JsonObject
                        {
                            ["type"] = "mrkdwn",
                            ["text"] = $"*{SlackEscape(notice.Title)}*\n" + string.Join("\n", notice.Lines().Select(l => $"*{l.Label}:* {SlackEscape(l.Value)}")),
                        },
                    }),
                };
                break;
            default:
                body = Generic(notice);
                break;
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (sink.Kind == NotificationKind.Generic && sink.Secret.Length > 0)
            request.Headers.Add(GenericSignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(sink.Secret), bytes)));
        return request;
    }

    /// <summary>Our own record: stable camelCase names, for a receiver of one's own.</summary>
    private static JsonObject Generic(DeployNotice n) => new()
    {
        ["event"] = n.State,
        ["deployId"] = n.DeployId,
        ["service"] = n.Service,
        ["state"] = n.State,
        ["trigger"] = n.Trigger,
        ["commit"] = new JsonObject
        {
            ["sha"] = n.Commit,
            ["short"] = n.ShortCommit,
            ["message"] = n.CommitInfo?.Subject,
            ["author"] = n.CommitInfo?.Author,
        },
        ["durationSeconds"] = n.Duration?.TotalSeconds,
        ["reason"] = n.Reason,
        ["text"] = n.Title,
    };

    /// <summary>DingTalk and WeCom markdown: a heading, then one quoted line each (both render "\n\n" as a break).</summary>
    private static string Markdown(DeployNotice n) =>
        $"#### {n.Title}\n\n" + string.Join("\n\n", n.Lines().Select(l => $"> **{l.Label}:** {l.Value}"));

    /// <summary>Slack's three control characters in mrkdwn.</summary>
    private static string SlackEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
