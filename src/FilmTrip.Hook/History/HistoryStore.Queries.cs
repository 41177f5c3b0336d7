using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FilmTrip.Hook.History;

public sealed partial class HistoryStore
{
    public DeployRecord? Get(string id) => Query("WHERE id = $p0", [id]).SingleOrDefault();

    public IReadOnlyList<DeployRecord> List(string? service, DeployState? state, int limit) =>
        Query("WHERE ($p0 IS NULL OR service = $p0) AND ($p1 IS NULL OR state = $p1) ORDER BY queued_at DESC, rowid DESC LIMIT $p2",
            [service, state is { } s ? SnakeCase.Name(s) : null, limit]);

    /// <summary>Deploys waiting to run, rollbacks first, then in arrival order.</summary>
    public IReadOnlyList<DeployRecord> Queued() =>
        Query("WHERE state = 'queued' ORDER BY CASE WHEN trigger IN ('rollback', 'watch') THEN 0 ELSE 1 END, queued_at, rowid", []);

    /// <summary>The newest finished deploy of a service (not counting superseded ones, nor one awaiting approval).</summary>
    public DeployRecord? LastFinished(string service) =>
        Query("WHERE service = $p0 AND state NOT IN ('queued', 'running', 'superseded', 'awaiting_approval') ORDER BY queued_at DESC, rowid DESC LIMIT 1", [service])
            .SingleOrDefault();

    /// <summary>The kept releases on disk (newest first) with the full sha each was built from, in one query.</summary>
    public IReadOnlyList<(string Release, string? Commit)> KeptReleases(string service, IEnumerable<string> releaseIds)
    {
        var commits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var deploy in Query("WHERE service = $p0 AND release_id IS NOT NULL ORDER BY queued_at, rowid", [service]))
            commits[deploy.ReleaseId!] = deploy.Commit;
        return releaseIds.Select(r => (r, commits.GetValueOrDefault(r))).ToList();
    }

    /// <summary>Full sha of the commit a release directory was built from.</summary>
    public string? CommitOfRelease(string service, string releaseId) =>
        Query("WHERE service = $p0 AND release_id = $p1 ORDER BY queued_at DESC LIMIT 1", [service, releaseId]).SingleOrDefault()?.Commit;

    public IReadOnlyList<StepRecord> Steps(string deployId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, started_at, duration_ms, exit_code, succeeded, detail FROM steps WHERE deploy_id = $id ORDER BY seq";
        command.Parameters.AddWithValue("$id", deployId);
        using var reader = command.ExecuteReader();
        var steps = new List<StepRecord>();
        while (reader.Read())
            steps.Add(new StepRecord(reader.GetString(0), Parse(reader.GetString(1))!.Value, TimeSpan.FromMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetInt64(4) != 0, reader.IsDBNull(5) ? null : reader.GetString(5)));
        return steps;
    }

    private List<DeployRecord> Query(string where, object?[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, service, trigger, delivery_id, commit_sha, previous_commit, state, queued_at, started_at,
                   finished_at, error, log_path, release_id, current_step, current_step_started_at,
                   previous_release, created_release, switched, note
            FROM deploys
            """ + " " + where;
        for (var i = 0; i < parameters.Length; i++)
            command.Parameters.AddWithValue($"$p{i}", parameters[i] ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var records = new List<DeployRecord>();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            records.Add(new DeployRecord(reader.GetString(0), reader.GetString(1), SnakeCase.Parse<DeployTrigger>(reader.GetString(2)), Text(3),
                reader.GetString(4), SnakeCase.Parse<DeployState>(reader.GetString(6)), Parse(reader.GetString(7))!.Value, reader.GetString(11))
            {
                PreviousCommit = Text(5),
                StartedAt = Parse(Text(8)),
                FinishedAt = Parse(Text(9)),
                Error = Text(10),
                ReleaseId = Text(12),
                CurrentStep = Text(13),
                CurrentStepStartedAt = Parse(Text(14)),
                PreviousRelease = Text(15),
                CreatedRelease = reader.GetInt64(16) != 0,
                Switched = reader.GetInt64(17) != 0,
                Note = Text(18),
            });
        }
        return records;
    }

    private static DateTimeOffset? Parse(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
