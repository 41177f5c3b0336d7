namespace FilmTrip.Hook.History;

public sealed partial class HistoryStore
{
    /// <summary>
    /// Writes one row (GET /readyz, issue #13): the only proof the database takes writes is a write. Throws
    /// <see cref="Microsoft.Data.Sqlite.SqliteException"/> (read-only file, full disk, lost directory) when it cannot.
    /// </summary>
    public void ProbeWrite(DateTimeOffset at)
    {
        using var connection = Open();
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS readiness (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at TEXT NOT NULL)");
        Execute(connection, null, "INSERT OR REPLACE INTO readiness(id, checked_at) VALUES (1, $at)", ("$at", Format(at)));
    }
}
