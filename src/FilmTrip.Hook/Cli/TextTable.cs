using System.Globalization;
using System.Text.Json.Nodes;

namespace FilmTrip.Hook.Cli;

/// <summary>Left-aligned columns separated by two spaces, sized to their widest cell.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [headers];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void WriteTo(TextWriter output)
    {
        var widths = Enumerable.Range(0, _rows[0].Length).Select(c => _rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in _rows)
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }
}

/// <summary>How the CLI shows the API's values: short shas, UTC times, seconds.</summary>
internal static class Show
{
    public const string None = "-";

    public static string Text(JsonNode? node) => node?.GetValue<string>() ?? None;

    public static string Sha(JsonNode? node) => node?.GetValue<string>() is { } sha ? sha[..Math.Min(12, sha.Length)] : None;

    public static string Time(JsonNode? node) =>
        node?.GetValue<DateTimeOffset>() is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : None;

    public static string Seconds(JsonNode? node) => node is null ? None : Seconds(node.GetValue<double>());

    public static string Seconds(double seconds) => seconds < 60
        ? seconds.ToString("0.0", CultureInfo.InvariantCulture) + "s"
        : $"{(int)(seconds / 60)}m{(int)(seconds % 60):00}s";

    /// <summary>States after which a deploy never changes again.</summary>
    public static bool IsFinal(string state) => state is not ("queued" or "running");
}
