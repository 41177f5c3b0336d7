using Microsoft.Data.Sqlite;

namespace FilmTrip.Hook.History;

public sealed partial class HistoryStore
{
    /// <summary>
    /// Null when the database takes writes, else why not (GET /readyz, issue #13). Two checks: each of its files
    /// (history.db, -wal, -shm) opens for writing now, and a row is written. The first catches what a write through
    /// SQLite alone would miss: SQLite keeps and reuses file descriptors opened before the file became read-only
    /// (chmod, chattr +i, a read-only remount), so its writes go on until the next start fails. The second catches a
    /// full disk, a lost directory or a file that is no database.
    /// </summary>
    public string? WriteProblem(DateTimeOffset at)
    {
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            try
            {
                if (File.Exists(file))
                    using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete)) { }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"{file}: {e.Message}";
            }
        }
        try
        {
            using var connection = Open();
            Execute(connection, null, "CREATE TABLE IF NOT EXISTS readiness (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at TEXT NOT NULL)");
            Execute(connection, null, "INSERT OR REPLACE INTO readiness(id, checked_at) VALUES (1, $at)", ("$at", Format(at)));
            return null;
        }
        catch (SqliteException e)
        {
            return e.Message;
        }
    }
}
