using Spectre.Console;

namespace FilmTrip.Hook.Cli;

/// <summary>
/// What a following command shows while it waits: on a terminal a Spectre.Console status line (spinner, the running
/// step and its elapsed time) under the lines printed so far; piped, only the lines, each flushed as it comes.
/// </summary>
internal sealed class LiveProgress
{
    private readonly CliConsole _console;
    private StatusContext? _status;

    private LiveProgress(CliConsole console) => _console = console;

    public static async Task<T> RunAsync<T>(CliConsole console, string initial, Func<LiveProgress, Task<T>> body)
    {
        var progress = new LiveProgress(console);
        if (!console.IsTerminal) return await body(progress);
        return await console.Ansi.Status().Spinner(Spinner.Known.Dots).StartAsync(initial, async context =>
        {
            progress._status = context;
            return await body(progress);
        });
    }

    /// <summary>The status line (terminal only; piped output has none).</summary>
    public void Status(string text)
    {
        if (_status is null) return;
        _status.Status(Markup.Escape(text));
        _status.Refresh();
    }

    /// <summary>A line above the status line (or simply a line, piped); <paramref name="text"/> is never read as markup.</summary>
    public async Task LineAsync(string text, CancellationToken cancellationToken)
    {
        if (_status is not null)
        {
            _console.Ansi.WriteLine(text);
            return;
        }
        await _console.Out.WriteLineAsync(text);
        await _console.Out.FlushAsync(cancellationToken);
    }

    /// <summary>Raw text (a log chunk ending in a newline), piped or not.</summary>
    public async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        if (_status is not null)
        {
            _console.Ansi.Write(new Text(text));
            return;
        }
        await _console.Out.WriteAsync(text);
        await _console.Out.FlushAsync(cancellationToken);
    }
}
