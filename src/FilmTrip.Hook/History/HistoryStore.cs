using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FilmTrip.Hook.History;

/// <summary>
/// Durable deploy history and seen webhook deliveries in SQLite (WAL, synchronous=FULL):
/// a crash at any instant loses no finished record.
/// </summary>
public sealed partial class HistoryStore
{
    private readonly string _connectionString;
    private readonly string _path;

    public HistoryStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, "history.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
        using var connection = Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL;");
        Execute(connection, null, Schema);
        Migrate(connection);
    }

    /// <summary>Columns added after the first release of the schema (issue #11): a deploy records what was live before it.</summary>
    private static void Migrate(SqliteConnection connection)
    {
        foreach (var (column, type) in new[] { ("previous_release", "TEXT"), ("created_release", "INTEGER NOT NULL DEFAULT 0"), ("switched", "INTEGER NOT NULL DEFAULT 0"), ("note", "TEXT") })
        {
            using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('deploys') WHERE name = $name";
            probe.Parameters.AddWithValue("$name", column);
            if ((long)probe.ExecuteScalar()! == 0)
                Execute(connection, null, $"ALTER TABLE deploys ADD COLUMN {column} {type}");
        }
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS deploys (
            id TEXT PRIMARY KEY, service TEXT NOT NULL, trigger TEXT NOT NULL, delivery_id TEXT,
            commit_sha TEXT NOT NULL, previous_commit TEXT, state TEXT NOT NULL,
            queued_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, error TEXT,
            log_path TEXT NOT NULL, release_id TEXT, current_step TEXT, current_step_started_at TEXT);
        CREATE INDEX IF NOT EXISTS deploys_service ON deploys(service, queued_at);
        CREATE INDEX IF NOT EXISTS deploys_state ON deploys(state);
        CREATE TABLE IF NOT EXISTS steps (
            deploy_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, started_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL, exit_code INTEGER, succeeded INTEGER NOT NULL, detail TEXT,
            PRIMARY KEY (deploy_id, seq));
        CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, received_at TEXT NOT NULL);
        """;

    /// <summary>
    /// Records a webhook delivery and its queued deploys in one transaction, superseding the pushes
    /// still waiting for the same services. Returns false, changing nothing, when the delivery was seen before.
    /// </summary>
    public bool AcceptDelivery(string deliveryId, DateTimeOffset receivedAt, IReadOnlyList<DeployRecord> deploys, int remembered)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var inserted = Execute(connection, transaction,
            "INSERT OR IGNORE INTO deliveries(id, received_at) VALUES ($id, $at)", ("$id", deliveryId), ("$at", Format(receivedAt)));
        if (inserted == 0) return false;
        foreach (var deploy in deploys)
        {
            SupersedeWaitingPushes(connection, transaction, deploy.Service, receivedAt);
            Insert(connection, transaction, deploy);
        }
        // rowid grows with every insert: keeping the newest N is one range delete on the primary b-tree.
        Execute(connection, transaction,
            "DELETE FROM deliveries WHERE rowid <= (SELECT MAX(rowid) FROM deliveries) - $n", ("$n", remembered));
        transaction.Commit();
        return true;
    }

    /// <summary>Records a queued rollback or manual deploy. A manual deploy supersedes waiting pushes (awaiting approval too) like a push does.</summary>
    public void Enqueue(DeployRecord deploy)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (!deploy.Trigger.IsRollback())
            SupersedeWaitingPushes(connection, transaction, deploy.Service, deploy.QueuedAt);
        Insert(connection, transaction, deploy);
        transaction.Commit();
    }

    private static void SupersedeWaitingPushes(SqliteConnection connection, SqliteTransaction transaction, string service, DateTimeOffset at) =>
        Execute(connection, transaction,
            "UPDATE deploys SET state = 'superseded', finished_at = $at, error = 'a newer push arrived before this one started' " +
            "WHERE service = $service AND state IN ('queued', 'awaiting_approval') AND trigger NOT IN ('rollback', 'watch')",
            ("$service", service), ("$at", Format(at)));

    /// <summary>
    /// Moves a queued deploy to running, recording what was live when it started (what crash recovery puts back).
    /// False when it is no longer queued (a newer push superseded it).
    /// </summary>
    public bool TryMarkRunning(string id, DateTimeOffset startedAt, string? previousCommit, string? previousRelease)
    {
        using var connection = Open();
        return Execute(connection, null,
            "UPDATE deploys SET state = 'running', started_at = $a, previous_commit = $b, previous_release = $c WHERE id = $id AND state = 'queued'",
            ("$id", id), ("$a", Format(startedAt)), ("$b", previousCommit), ("$c", previousRelease)) == 1;
    }

    public void SetCurrentStep(string id, string step, DateTimeOffset startedAt) => Update(id,
        "current_step = $a, current_step_started_at = $b", step, Format(startedAt));

    /// <summary>The release a deploy goes live with; <paramref name="created"/> when the deploy made it (and so may delete it).</summary>
    public void SetRelease(string id, string releaseId, bool created) => Update(id, "release_id = $a, created_release = $b", releaseId, created ? 1 : 0);

    public void Finish(string id, DeployState state, DateTimeOffset finishedAt, string? error) => Update(id,
        $"state = '{SnakeCase.Name(state)}', finished_at = $a, error = $b, current_step = NULL, current_step_started_at = NULL",
        Format(finishedAt), error);

    /// <summary>Like <see cref="Finish"/>, but never changes a deploy that already finished.</summary>
    public void FinishIfRunning(string id, DeployState state, DateTimeOffset finishedAt, string? error)
    {
        using var connection = Open();
        Execute(connection, null,
            $"UPDATE deploys SET state = '{SnakeCase.Name(state)}', finished_at = $a, error = $b, current_step = NULL, current_step_started_at = NULL " +
            "WHERE id = $id AND state = 'running'", ("$id", id), ("$a", Format(finishedAt)), ("$b", error));
    }

    public void AddStep(string deployId, StepRecord step)
    {
        using var connection = Open();
        Execute(connection, null, """
            INSERT INTO steps(deploy_id, seq, name, started_at, duration_ms, exit_code, succeeded, detail)
            VALUES ($id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE deploy_id = $id), $name, $at, $ms, $exit, $ok, $detail)
            """,
            ("$id", deployId), ("$name", step.Name), ("$at", Format(step.StartedAt)), ("$ms", (long)step.Duration.TotalMilliseconds),
            ("$exit", step.ExitCode), ("$ok", step.Succeeded ? 1 : 0), ("$detail", step.Detail));
    }

    /// <summary>Recorded before live traffic may reach the deploy's release: from then on only going back undoes it.</summary>
    public void MarkSwitched(string id, bool switched = true) => Update(id, "switched = $a", switched ? 1 : 0, null);

    /// <summary>Sets a deploy's note (the watch's verdict, issue 15), whatever its state.</summary>
    public void SetNote(string id, string note) => Update(id, "note = $a", note, null);

    /// <summary>After a crash: the service's deploys left running (recovery finishes each as interrupted).</summary>
    public IReadOnlyList<DeployRecord> Running(string service) => Query("WHERE state = 'running' AND service = $p0", [service]);

    private void Update(string id, string set, object? a, object? b)
    {
        using var connection = Open();
        Execute(connection, null, $"UPDATE deploys SET {set} WHERE id = $id", ("$id", id), ("$a", a), ("$b", b));
    }

    private static void Insert(SqliteConnection connection, SqliteTransaction? transaction, DeployRecord d) =>
        Execute(connection, transaction, """
            INSERT INTO deploys(id, service, trigger, delivery_id, commit_sha, previous_commit, state, queued_at, log_path, note)
            VALUES ($id, $service, $trigger, $delivery, $commit, $previous, $state, $queued, $log, $note)
            """,
            ("$id", d.Id), ("$service", d.Service), ("$trigger", SnakeCase.Name(d.Trigger)), ("$delivery", d.DeliveryId),
            ("$commit", d.Commit), ("$previous", d.PreviousCommit), ("$state", SnakeCase.Name(d.State)),
            ("$queued", Format(d.QueuedAt)), ("$log", d.LogPath), ("$note", d.Note));

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        return connection;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    internal static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
