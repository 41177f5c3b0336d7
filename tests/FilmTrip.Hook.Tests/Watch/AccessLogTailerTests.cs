using System.Globalization;
using System.Text;
using FilmTrip.Hook.Tests.Support;
using FilmTrip.Hook.Watch;

namespace FilmTrip.Hook.Tests.Watch;

/// <summary>
/// Issue 15 §1: the access log is read incrementally from an offset, survives logrotate's rename and copytruncate
/// mid-window, skips and counts malformed lines, and holds bounded memory whatever a line's length.
/// </summary>
public sealed class AccessLogTailerTests : IDisposable
{
    private readonly TempDirectory _temp = new("tailer");
    private readonly string _log;
    private readonly List<AccessLogEntry> _seen = [];

    public AccessLogTailerTests() => _log = _temp.Combine("api.access.json.log");

    public void Dispose() => _temp.Dispose();

    private static string Line(int status, double msec = 1000.5, string upstream = "127.0.0.1:3011") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{{\"msec\":\"{msec:0.000}\",\"status\":\"{status}\",\"upstream_addr\":\"{upstream}\",\"request_time\":\"0.005\"}}\n");

    /// <summary>Appends as nginx does: O_APPEND on the path as it is now.</summary>
    private void Append(string text, string? path = null)
    {
        using var stream = new FileStream(path ?? _log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private long Read(AccessLogTailer tailer) => tailer.Read(_seen.Add, long.MaxValue);

    [Fact]
    public void Only_what_is_written_after_opening_is_read_and_each_line_once()
    {
        Append(Line(200) + Line(200));
        using var tailer = AccessLogTailer.AtEnd(_log);

        Append(Line(500));
        Read(tailer);
        Append(Line(201));
        Read(tailer);
        Read(tailer);

        Assert.Equal([500, 201], _seen.Select(e => e.Status));
    }

    [Fact]
    public void A_line_split_across_two_writes_is_read_once_whole()
    {
        using var tailer = AccessLogTailer.AtEnd(_log);
        var line = Line(503);

        Append(line[..20]);
        Read(tailer);
        Append(line[20..]);
        Read(tailer);

        Assert.Equal(503, Assert.Single(_seen).Status);
        Assert.Equal(0, tailer.Malformed);
    }

    [Fact]
    public void Logrotate_rename_mid_window_reads_the_rest_of_the_old_file_then_the_new_one()
    {
        Append("");
        using var tailer = AccessLogTailer.AtEnd(_log);
        Append(Line(200));
        Read(tailer);

        // logrotate renames; nginx keeps writing the renamed file until it reopens its logs (USR1), then writes a new one.
        File.Move(_log, _log + ".1");
        Append(Line(500), _log + ".1");
        Read(tailer);
        Append(Line(502), _log + ".1");
        Append(Line(201));
        Read(tailer);
        Read(tailer);
        Append(Line(202));
        Read(tailer);

        Assert.Equal([200, 500, 502, 201, 202], _seen.Select(e => e.Status));
        Assert.Equal(1, tailer.Rotations);
    }

    [Fact]
    public void Copytruncate_mid_window_starts_again_at_the_start_of_the_truncated_file()
    {
        Append("");
        using var tailer = AccessLogTailer.AtEnd(_log);
        Append(Line(200) + Line(200) + Line(200));
        Read(tailer);

        File.Copy(_log, _log + ".1");
        using (new FileStream(_log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite)) { }
        Append(Line(500));
        Read(tailer);

        Assert.Equal([200, 200, 200, 500], _seen.Select(e => e.Status));
        Assert.Equal(1, tailer.Truncations);
        Assert.Equal(0, tailer.Malformed);
    }

    [Fact]
    public void Malformed_lines_are_skipped_and_counted()
    {
        using var tailer = AccessLogTailer.AtEnd(_log);

        Append("not json\n" + Line(200) + "{\"msec\":\"1.0\"}\n" + "{\"status\":500,\n" + Line(500));
        Read(tailer);

        Assert.Equal([200, 500], _seen.Select(e => e.Status));
        Assert.Equal(3, tailer.Malformed);
    }

    [Fact]
    public void A_line_longer_than_the_bound_is_dropped_without_growing_memory()
    {
        using var tailer = AccessLogTailer.AtEnd(_log);

        Append(new string('x', 200_000) + "\n" + Line(404));
        Read(tailer);

        Assert.Equal(404, Assert.Single(_seen).Status);
        Assert.Equal(1, tailer.Malformed);
    }

    [Fact]
    public void Rewind_reads_back_a_bounded_stretch_and_skips_its_partial_first_line()
    {
        Append(string.Concat(Enumerable.Range(0, 100).Select(i => Line(200, msec: i))));
        using var tailer = AccessLogTailer.AtEnd(_log);
        var lineLength = Line(200, msec: 99).Length;

        tailer.Rewind(lineLength * 3 + 5);
        Read(tailer);

        Assert.Equal([97.0, 98.0, 99.0], _seen.Select(e => e.Msec));
        Assert.Equal(0, tailer.Malformed);
    }

    [Fact]
    public void A_log_that_does_not_exist_yet_is_read_from_its_start_once_nginx_creates_it()
    {
        using var tailer = AccessLogTailer.AtEnd(_log);
        Assert.Equal(0, Read(tailer));

        Append(Line(200));
        Read(tailer);

        Assert.Single(_seen);
    }

    [Fact]
    public void One_read_takes_at_most_about_the_bytes_it_is_given()
    {
        Append("");
        using var tailer = AccessLogTailer.AtEnd(_log);
        Append(string.Concat(Enumerable.Repeat(Line(200), 10_000)));

        var first = tailer.Read(_seen.Add, 100_000);

        Assert.InRange(first, 100_000, 100_000 + 64 * 1024);
        Assert.InRange(_seen.Count, 1, 9_999);
    }
}
