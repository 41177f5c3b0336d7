using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// Where a command writes: Spectre.Console for tables and live progress, plain text when stdout is not a terminal
/// (a pipe, a file, a script), so what scripts read never holds escape codes or redraws.
/// </summary>
internal sealed class CliConsole
{
    // Compact when piped: one document per line is what jq, grep and log collectors take.
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public CliConsole(TextWriter output, TextWriter error, bool isTerminal)
    {
        Out = output;
        Error = error;
        IsTerminal = isTerminal;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Piped, a table is never wrapped at an imagined 80 columns: one line per row, for grep and awk.
        if (!isTerminal) Ansi.Profile.Width = 4096;
    }

    public static CliConsole Standard() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);

    public TextWriter Out { get; }
    /// <summary>Problems and usage errors (standard error): never what a script parses.</summary>
    public TextWriter Error { get; }
    public bool IsTerminal { get; }
    public IAnsiConsole Ansi { get; }

    /// <summary>An API record as JSON: indented on a terminal, one line otherwise.</summary>
    public void Json<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, IsTerminal ? Pretty : Compact));

    /// <summary>A borderless table (columns two spaces apart); cells are text, never markup.</summary>
    public static Table Table(params string[] headers)
    {
        var table = new Table().NoBorder();
        table.ShowHeaders();
        foreach (var header in headers) table.AddColumn(new TableColumn(header) { Padding = new Padding(0, 0, 2, 0) });
        return table;
    }

    public static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(c => (IRenderable)new Text(c)));

    public void Write(IRenderable renderable) => Ansi.Write(renderable);
}

/// <summary>How the CLI shows the API's values: short shas, UTC times, seconds.</summary>
internal static class Show
{
    public const string None = "-";

    public static string Text(string? text) => text ?? None;

    public static string Sha(string? sha) => sha is null ? None : sha[..Math.Min(12, sha.Length)];

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : None;

    public static string Seconds(double? seconds) => seconds is not { } s
        ? None
        : s < 60 ? s.ToString("0.0", CultureInfo.InvariantCulture) + "s" : $"{(int)(s / 60)}m{(int)(s % 60):00}s";
}
