namespace FilmTrip.Hook.Notifications;

/// <summary>Which robot API a sink speaks (its documented payload and signature).</summary>
public enum NotificationKind { DingTalk, WeCom, Feishu, Slack, Generic }

/// <summary>One entry of <c>Hook:Notifications</c>: where deploy news goes, which states, which services (issue #12).</summary>
public sealed class NotificationOptions
{
    public NotificationKind? Kind { get; set; }
    /// <summary>The robot's webhook URL. It usually carries a credential (access_token, key): prefer <see cref="UrlFile"/>.</summary>
    public string Url { get; set; } = "";
    public string? UrlFile { get; set; }
    /// <summary>States that are sent; empty means <see cref="DefaultEvents"/>.</summary>
    public string[] Events { get; set; } = [];
    /// <summary>Services whose deploys are sent; empty means all.</summary>
    public string[] Services { get; set; } = [];
    /// <summary>DingTalk and Feishu signing secret; for generic, the HMAC key of X-FilmTrip-Signature-256.</summary>
    public string Secret { get; set; } = "";
    public string? SecretFile { get; set; }

    /// <summary>What needs a person: a deploy that did not go live, or one waiting for approval.</summary>
    public static readonly string[] DefaultEvents = ["failed", "rolled_back", "interrupted", "awaiting_approval"];

    /// <summary>The states a notification can carry: awaiting_approval and every final state.</summary>
    public static readonly string[] KnownEvents =
        ["awaiting_approval", "succeeded", "failed", "rolled_back", "interrupted", "superseded", "skipped", "rejected"];

    public bool Wants(string service, string state) =>
        (Events.Length > 0 ? Events : DefaultEvents).Contains(state) && (Services.Length == 0 || Services.Contains(service));
}
