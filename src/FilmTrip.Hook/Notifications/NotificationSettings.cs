using FilmTrip.Hook.Configuration;

namespace FilmTrip.Hook.Notifications;

/// <summary>
/// <c>Hook:Notifications</c> at start-up: <c>UrlFile</c> and <c>SecretFile</c> are read with the rules of
/// WebhookSecretFile (absolute, not readable by others, not empty), and every problem is one line naming its key.
/// A URL is never repeated in a message: robot URLs carry their credential (access_token, key).
/// </summary>
internal static class NotificationSettings
{
    /// <summary>Called by <see cref="SecretsLoader"/> after binding.</summary>
    public static void Load(HookOptions options)
    {
        for (var i = 0; i < options.Notifications.Count; i++)
        {
            var sink = options.Notifications[i];
            var key = $"Hook:Notifications:{i}";
            if (sink.UrlFile is { Length: > 0 } urlFile)
            {
                if (sink.Url.Length > 0) options.LoadProblems.Add($"{key}:UrlFile: set Url or UrlFile, not both");
                sink.Url = SecretsLoader.ReadSecretFile($"{key}:UrlFile", urlFile, options.LoadProblems) ?? "";
            }
            if (sink.SecretFile is { Length: > 0 } secretFile)
            {
                if (sink.Secret.Length > 0) options.LoadProblems.Add($"{key}:SecretFile: set Secret or SecretFile, not both");
                sink.Secret = SecretsLoader.ReadSecretFile($"{key}:SecretFile", secretFile, options.LoadProblems) ?? "";
            }
        }
    }

    /// <summary>Called by <see cref="HookOptionsValidator"/>.</summary>
    public static IEnumerable<string> Problems(HookOptions options)
    {
        for (var i = 0; i < options.Notifications.Count; i++)
        {
            var sink = options.Notifications[i];
            var key = $"Hook:Notifications:{i}";
            if (sink.Kind is not { } kind)
                yield return $"{key}:Kind: is required (one of dingtalk, wecom, feishu, slack, generic)";
            else if (kind is NotificationKind.WeCom or NotificationKind.Slack && sink.Secret.Length > 0)
                yield return $"{key}:Secret: {kind} robots are not signed (their URL is the credential); remove Secret";
            if (sink.Url.Length == 0 && string.IsNullOrEmpty(sink.UrlFile))
                yield return $"{key}:Url: is required (or UrlFile, a file holding the URL)";
            else if (sink.Url.Length > 0 && !IsHttpUrl(sink.Url))
                yield return $"{key}:{(sink.UrlFile is null ? "Url" : "UrlFile")}: is not an absolute http(s) URL (not shown: it may hold a credential)";
            for (var j = 0; j < sink.Events.Length; j++)
                if (!NotificationOptions.KnownEvents.Contains(sink.Events[j]))
                    yield return $"{key}:Events:{j}: '{sink.Events[j]}' is not a state a notification carries " +
                        $"(did you mean '{NearestName.Of(sink.Events[j], NotificationOptions.KnownEvents)!.Value.Name}'? one of {string.Join(", ", NotificationOptions.KnownEvents)})";
            for (var j = 0; j < sink.Services.Length; j++)
                if (!options.Services.ContainsKey(sink.Services[j]))
                    yield return $"{key}:Services:{j}: no service named '{sink.Services[j]}'";
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0;
}
