using System.Buffers.Text;
using System.Text.Json;

namespace FilmTrip.Hook.Watch;

/// <summary>
/// One request from nginx's JSON access log: when it ended (<c>msec</c>, Unix seconds), its <c>status</c>, the port
/// of the upstream that answered (the last of <c>upstream_addr</c>; 0 without one) and <c>request_time</c> in seconds.
/// </summary>
internal readonly record struct AccessLogEntry(double Msec, int Status, int UpstreamPort, double? RequestTime)
{
    /// <summary>
    /// Parses one line without allocating. Values may be JSON numbers or strings (<c>"status":$status</c> and
    /// <c>"status":"$status"</c> both occur). False for anything else: not JSON, no <c>msec</c> or <c>status</c>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        entry = default;
        double? msec = null, requestTime = null;
        int? status = null;
        var port = 0;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                if (!reader.Read()) return false;
                if (name.SequenceEqual("msec"u8)) msec = Number(ref reader);
                else if (name.SequenceEqual("status"u8)) status = Number(ref reader) is { } s ? (int)s : null;
                else if (name.SequenceEqual("request_time"u8)) requestTime = Number(ref reader);
                else if (name.SequenceEqual("upstream_addr"u8)) port = reader.TokenType == JsonTokenType.String ? LastPort(reader.ValueSpan) : 0;
                else reader.Skip();
            }
            if (reader.TokenType != JsonTokenType.EndObject || msec is null || status is null) return false;
        }
        catch (JsonException)
        {
            return false;
        }
        entry = new AccessLogEntry(msec.Value, status.Value, port, requestTime);
        return true;
    }

    /// <summary>A number or a string holding one ("-" and "" are none).</summary>
    private static double? Number(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out double value, out var used) && used == reader.ValueSpan.Length)
            return value;
        return null;
    }

    /// <summary>
    /// The port of the upstream that answered: nginx lists every one it tried (<c>"127.0.0.1:3001, 127.0.0.1:3011"</c>,
    /// <c>" : "</c> between internal redirects), the last one answered. 0 for none (<c>""</c>, <c>"-"</c>) or a unix socket.
    /// </summary>
    private static int LastPort(ReadOnlySpan<byte> addresses)
    {
        var last = addresses[(addresses.LastIndexOfAny(", "u8) + 1)..];
        var colon = last.LastIndexOf((byte)':');
        return colon >= 0 && Utf8Parser.TryParse(last[(colon + 1)..], out int port, out var used) && used == last.Length - colon - 1 && port is > 0 and < 65536
            ? port : 0;
    }
}
