using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4: every sample must belong to a family declared with
/// # TYPE before it, names and labels must be well formed, a histogram's buckets must rise to a +Inf bucket equal to its
/// _count. Anything else throws <see cref="FormatException"/> naming the line.
/// </summary>
public sealed partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private PrometheusText(Dictionary<string, string> types, List<Sample> samples) => (Types, Samples) = (types, samples);

    public IReadOnlyDictionary<string, string> Types { get; }
    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The one sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/> ("k=v"); null when none.</summary>
    public double? Value(string name, params string[] labels)
    {
        var matches = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Split('=')[0], out var v) && v == l.Split('=', 2)[1])).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException($"{matches.Count} samples of {name} match {string.Join(",", labels)}"),
        };
    }

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                if (TypeLine().Match(line) is { Success: true } t)
                {
                    if (!types.TryAdd(t.Groups[1].Value, t.Groups[2].Value)) throw Bad(lineNumber, line, "a second # TYPE for this family");
                }
                else if (!line.StartsWith("# HELP ", StringComparison.Ordinal)) throw Bad(lineNumber, line, "a comment that is neither # HELP nor # TYPE");
                continue;
            }
            var m = SampleLine().Match(line);
            if (!m.Success) throw Bad(lineNumber, line, "not a sample line");
            var name = m.Groups["name"].Value;
            if (FamilyOf(name, types) is null) throw Bad(lineNumber, line, "a sample with no # TYPE before it");
            samples.Add(new Sample(name, ParseLabels(m.Groups["labels"].Value, lineNumber, line), ParseValue(m.Groups["value"].Value, lineNumber, line)));
        }
        CheckHistograms(types, samples);
        return new PrometheusText(types, samples);
    }

    private static string? FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name)) return name;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var type) && type is "histogram" or "summary")
                return name[..^suffix.Length];
        return null;
    }

    private static Dictionary<string, string> ParseLabels(string text, int lineNumber, string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            if (eq < 0 || !LabelName().IsMatch(text[i..eq]) || eq + 1 >= text.Length || text[eq + 1] != '"') throw Bad(lineNumber, line, "a malformed label");
            var value = new StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] != '\\') { value.Append(text[j]); continue; }
                value.Append(++j < text.Length ? text[j] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw Bad(lineNumber, line, "a bad escape") } : '\\');
            }
            if (j >= text.Length) throw Bad(lineNumber, line, "an unterminated label value");
            if (!labels.TryAdd(text[i..eq], value.ToString())) throw Bad(lineNumber, line, "a repeated label");
            i = j + 1;
            if (i < text.Length && text[i] == ',') i++;
        }
        return labels;
    }

    private static double ParseValue(string text, int lineNumber, string line) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(lineNumber, line, "a value that is not a number"),
    };

    /// <summary>Per histogram series: buckets never fall, and the +Inf bucket equals _count.</summary>
    private static void CheckHistograms(Dictionary<string, string> types, List<Sample> samples)
    {
        foreach (var family in types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var series = samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var buckets in series)
            {
                var ordered = buckets.OrderBy(b => ParseValue(b.Labels["le"], 0, b.Labels["le"])).ToList();
                for (var i = 1; i < ordered.Count; i++)
                    if (ordered[i].Value < ordered[i - 1].Value) throw new FormatException($"{family}{{{buckets.Key}}}: buckets fall at le={ordered[i].Labels["le"]}");
                var count = samples.Single(s => s.Name == family + "_count" && Same(s.Labels, ordered[^1].Labels));
                if (ordered[^1].Labels["le"] != "+Inf" || ordered[^1].Value != count.Value)
                    throw new FormatException($"{family}{{{buckets.Key}}}: the +Inf bucket does not equal _count");
            }
        }
    }

    private static bool Same(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> bucket) =>
        labels.Count == bucket.Count - 1 && labels.All(l => bucket.TryGetValue(l.Key, out var v) && v == l.Value);

    private static FormatException Bad(int lineNumber, string line, string why) => new($"line {lineNumber}: {why}: {line}");

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
