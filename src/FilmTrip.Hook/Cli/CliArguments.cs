namespace FilmTrip.Hook.Cli;

/// <summary>What a command accepts: options that take a value, flags, and how many positional arguments.</summary>
internal sealed record CommandShape(string Name, string[] Values, string[] Flags, int MinPositionals, int MaxPositionals);

/// <summary>
/// A parsed command line: <c>command [positionals] [--flag] [--option value | --option=value]</c>.
/// Hand-written on purpose (issue #7): six commands do not need System.CommandLine.
/// </summary>
internal sealed class CliArguments
{
    /// <summary>Accepted by every command.</summary>
    public static readonly string[] CommonValues = ["config", "url"];

    private readonly Dictionary<string, string?> _options;

    private CliArguments(string command, List<string> positionals, Dictionary<string, string?> options)
    {
        Command = command;
        Positionals = positionals;
        _options = options;
    }

    public string Command { get; }
    public IReadOnlyList<string> Positionals { get; }
    public bool Help => _options.ContainsKey("help");

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? Value(string name) => _options.GetValueOrDefault(name);

    /// <summary>Parses <paramref name="args"/> (args[0] is the command). Throws <see cref="CliFailure"/> with a usage message.</summary>
    public static CliArguments Parse(string[] args, CommandShape shape)
    {
        var positionals = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help") { options["help"] = null; continue; }
            if (arg == "--") { positionals.AddRange(args[(i + 1)..]); break; }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                if (arg.StartsWith('-') && arg.Length > 1)
                    throw Usage(shape, $"unknown option '{arg}'");
                positionals.Add(arg);
                continue;
            }

            var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            if (shape.Flags.Contains(name))
            {
                if (inline is not null) throw Usage(shape, $"--{name} takes no value");
                options[name] = null;
            }
            else if (shape.Values.Contains(name) || CommonValues.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Length ? args[++i] : throw Usage(shape, $"--{name} needs a value"));
                options[name] = value;
            }
            else
            {
                throw Usage(shape, $"unknown option '--{name}'");
            }
        }

        var parsed = new CliArguments(shape.Name, positionals, options);
        if (parsed.Help) return parsed;
        if (positionals.Count < shape.MinPositionals)
            throw Usage(shape, "missing argument");
        if (positionals.Count > shape.MaxPositionals)
            throw Usage(shape, $"unexpected argument '{positionals[shape.MaxPositionals]}'");
        return parsed;
    }

    /// <summary>A positive integer option, or null when absent.</summary>
    public int? PositiveInt(string name)
    {
        if (Value(name) is not { } text) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new CliFailure(ExitCodes.Usage, $"{Command}: --{name} must be a positive whole number, not '{text}'");
    }

    public static CliFailure Usage(CommandShape shape, string problem) =>
        new(ExitCodes.Usage, $"{shape.Name}: {problem}; see 'filmtrip-hook {shape.Name} --help'");
}
