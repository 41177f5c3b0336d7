using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace FilmTrip.Hook.Webhooks;

/// <summary>The few fields of a push payload the daemon uses. Only <see cref="After"/>, once validated, ever reaches git.</summary>
public sealed record PushEvent(string Ref, string After, string Repository, bool Deleted);

public static partial class PushEventParser
{
    /// <summary>Parses a push body as GitHub sends it, JSON or form-encoded. Returns the event or a problem to report as 400.</summary>
    public static (PushEvent? Push, string? Problem) Parse(byte[] body, string? contentType)
    {
        byte[] json = body;
        if (contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
            if (!form.TryGetValue("payload", out var payload) || payload.Count != 1)
                return (null, "a form-encoded delivery must carry the JSON in the field 'payload'");
            json = Encoding.UTF8.GetBytes(payload[0]!);
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "the payload is not a JSON object");
            if (!TryString(root, "ref", out var gitRef)) return (null, "the payload has no string 'ref'");
            if (!TryString(root, "after", out var after)) return (null, "the payload has no string 'after'");
            if (!root.TryGetProperty("repository", out var repository) || repository.ValueKind != JsonValueKind.Object
                || !TryString(repository, "full_name", out var fullName))
                return (null, "the payload has no 'repository.full_name'");
            if (!Sha().IsMatch(after)) return (null, "'after' must be a 40-digit lowercase hex commit sha");
            var deleted = root.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
            return (new PushEvent(gitRef, after, fullName, deleted || after.All(c => c == '0')), null);
        }
        catch (JsonException e)
        {
            return (null, $"the payload is not valid JSON: {e.Message}");
        }
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        return value.Length > 0;
    }

    // \z, not $: in .NET "$" also matches before a final "\n", which let "<sha>\n" through to git.
    [GeneratedRegex(@"^[0-9a-f]{40}\z")]
    public static partial Regex Sha();
}
