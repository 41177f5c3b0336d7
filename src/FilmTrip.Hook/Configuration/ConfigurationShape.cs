namespace FilmTrip.Hook.Configuration;

/// <summary>
/// Checks a configuration section against its options classes before binding (issue #11). The binder alone ignores
/// unknown keys ("Stratgy", "HealthChek") and stops at the first value it cannot convert, which hid every other
/// problem of that service. Here every key must be one the options know (else the nearest known key is named),
/// and every value must convert; all problems come at once, one line each, and the values that would not
/// convert are left out of binding so the validator still sees the rest.
/// </summary>
internal sealed class ConfigurationShape
{
    private readonly List<string> _problems = [];
    private readonly HashSet<string> _unconvertible = new(StringComparer.OrdinalIgnoreCase);

    private ConfigurationShape()
    {
    }

    public IReadOnlyList<string> Problems => _problems;

    public static ConfigurationShape Check(IConfigurationSection section, Type optionsType)
    {
        var shape = new ConfigurationShape();
        shape.Walk(section, OptionsSchema.Of(optionsType), byHand: false);
        return shape;
    }

    /// <summary>The section as the binder should see it: without the values that would not convert.</summary>
    public IConfiguration Bindable(IConfigurationSection section)
    {
        if (_unconvertible.Count == 0) return section;
        var kept = section.AsEnumerable().Where(kv => !_unconvertible.Contains(kv.Key));
        return new ConfigurationBuilder().AddInMemoryCollection(kept).Build().GetSection(section.Path);
    }

    /// <summary>
    /// <paramref name="byHand"/>: a section a post-configure step reads itself (Build), which accepts more shapes than
    /// the binder; there only key names and plain values are checked, and a list where an object could be is the
    /// hand reader's to judge (a build step written as an argv array).
    /// </summary>
    private void Walk(IConfigurationSection section, OptionsSchema schema, bool byHand)
    {
        var children = section.GetChildren().ToList();
        if (schema.Kind == ShapeKind.Value)
        {
            if (children.Count > 0)
                _problems.Add($"{section.Path}: must be {schema.Describe()}, not an object or a list");
            else if (section.Value is { } value && !schema.Accepts(value))
            {
                _problems.Add($"{section.Path}: '{value}' is not {schema.Describe()}");
                _unconvertible.Add(section.Path);
            }
            return;
        }

        // "[]" reads as an empty value; anything longer is a value where the binder wants children, and it would drop it.
        if (!string.IsNullOrEmpty(section.Value) && !byHand)
            _problems.Add($"{section.Path}: must be {schema.Describe()}, not '{section.Value}'");

        if (schema.Kind is ShapeKind.Map or ShapeKind.List)
        {
            foreach (var child in children) Walk(child, OptionsSchema.Of(schema.Item!), byHand);
            return;
        }

        if (byHand && children.Count > 0 && children.All(c => int.TryParse(c.Key, out _))) return;
        var keys = schema.Keys();
        foreach (var child in children)
        {
            if (keys.TryGetValue(child.Key, out var property))
                Walk(child, OptionsSchema.Of(property.Type), byHand || property.ByHand);
            else
                _problems.Add($"{child.Path}: unknown key" + (NearestName.Of(child.Key, keys.Keys) is { } near ? $"; did you mean '{near.Name}'?" : ""));
        }
    }
}
