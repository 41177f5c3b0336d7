using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace FilmTrip.Hook.Configuration;

/// <summary>
/// A JSON configuration file that will not load becomes one line naming the file, line and column (issue #11: it was
/// exit 134 and a stack trace, and under Restart=on-failure a loop). Read with the options the JSON configuration
/// provider uses (comments and trailing commas allowed), so what passes here loads there.
/// </summary>
internal static class JsonConfigFile
{
    private static readonly JsonDocumentOptions ProviderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Adds <paramref name="path"/> to <paramref name="configuration"/>, or throws one problem line if it cannot be read.</summary>
    public static void Add(IConfigurationBuilder configuration, string path, bool optional)
    {
        if (!optional || File.Exists(path))
            if (Problem(path) is { } problem) throw Unreadable(problem);
        try
        {
            configuration.AddJsonFile(path, optional, reloadOnChange: false);
        }
        catch (InvalidDataException e)
        {
            // Valid JSON the provider still refuses (a key given twice): its own words, on one line.
            throw Unreadable($"{path}: {(e.InnerException ?? e).Message}");
        }
    }

    /// <summary>One line for a file the host loaded itself (appsettings*.json in <paramref name="directory"/>) that failed to load.</summary>
    public static string Explain(InvalidDataException e, string directory) =>
        Directory.EnumerateFiles(directory, "appsettings*.json").Order(StringComparer.Ordinal).Select(Problem).FirstOrDefault(p => p is not null)
        ?? $"{e.Message} {e.InnerException?.Message}".Trim();

    /// <summary>Why <paramref name="path"/> is not a JSON object the configuration can load; null when it is.</summary>
    internal static string? Problem(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path}: cannot read: {e.Message}";
        }
        // The provider reads through a StreamReader, which drops a UTF-8 byte order mark.
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        try
        {
            using var document = JsonDocument.Parse(bytes, ProviderOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : $"{path}: the top level must be a JSON object {{ ... }}";
        }
        catch (JsonException e)
        {
            // The reader counts from 0 and in bytes; editors count from 1 and in characters.
            var (line, bytePosition) = ((int)(e.LineNumber ?? 0), (int)(e.BytePositionInLine ?? 0));
            var reason = e.Message.Split(" LineNumber:", 2)[0];
            return $"{path}:{line + 1}:{ColumnOf(bytes, line, bytePosition) + 1}: not valid JSON: {reason}";
        }
    }

    private static OptionsValidationException Unreadable(string problem) =>
        new(HookOptions.SectionName, typeof(HookOptions), [problem]);

    private static int ColumnOf(byte[] bytes, int line, int bytePosition)
    {
        var start = 0;
        for (var seen = 0; seen < line && start < bytes.Length; start++)
            if (bytes[start] == (byte)'\n') seen++;
        var length = Math.Clamp(bytePosition, 0, bytes.Length - start);
        return Encoding.UTF8.GetCharCount(bytes, start, length);
    }
}
