namespace FilmTrip.Hook.History;

/// <summary>Which release each BlueGreen color was started with (issue #10); a color that is not running has no row.</summary>
public sealed partial class HistoryStore
{
    private const string ColorsSchema = """
        CREATE TABLE IF NOT EXISTS colors (service TEXT NOT NULL, color TEXT NOT NULL, release_id TEXT NOT NULL,
            started_at TEXT NOT NULL, PRIMARY KEY (service, color));
        """;

    public void SetColor(string service, string color, string? releaseId, DateTimeOffset at)
    {
        using var connection = Open();
        Execute(connection, null, ColorsSchema);
        if (releaseId is null)
            Execute(connection, null, "DELETE FROM colors WHERE service = $s AND color = $c", ("$s", service), ("$c", color));
        else
            Execute(connection, null, "INSERT OR REPLACE INTO colors(service, color, release_id, started_at) VALUES ($s, $c, $r, $a)",
                ("$s", service), ("$c", color), ("$r", releaseId), ("$a", Format(at)));
    }

    /// <summary>color → release for the service's running colors.</summary>
    public IReadOnlyDictionary<string, string> Colors(string service)
    {
        using var connection = Open();
        Execute(connection, null, ColorsSchema);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT color, release_id FROM colors WHERE service = $s";
        command.Parameters.AddWithValue("$s", service);
        using var reader = command.ExecuteReader();
        var colors = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read()) colors[reader.GetString(0)] = reader.GetString(1);
        return colors;
    }
}
