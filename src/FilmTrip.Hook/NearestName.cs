namespace FilmTrip.Hook;

/// <summary>
/// "Did you mean …?" for a mistyped command or configuration key: the candidate at the smallest
/// Levenshtein distance, ignoring case (configuration keys are case-insensitive).
/// </summary>
internal static class NearestName
{
    /// <summary>The nearest candidate and its distance; null when there are no candidates.</summary>
    public static (string Name, int Distance)? Of(string word, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Name: c, Distance: Distance(word.ToUpperInvariant(), c.ToUpperInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Cast<(string, int)?>()
            .FirstOrDefault();

    /// <summary>Insertions, deletions and substitutions to turn <paramref name="a"/> into <paramref name="b"/> (two rows of the table).</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
