using System.ComponentModel;
using System.Reflection;

namespace FilmTrip.Hook.Configuration;

/// <summary>Marks an options property that a post-configure step reads by hand from the key <see cref="Key"/> (the binder skips it).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ReadByHandAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}

/// <summary>How the binder treats a type: one value, a name-to-value map, a list, or an object with named keys.</summary>
internal enum ShapeKind { Value, Map, List, Object }

/// <summary>
/// What the configuration binder accepts for an options type, read from the classes themselves by reflection, so a
/// property or a whole section added later is known without a list to keep up to date (issue #11).
/// </summary>
internal sealed record OptionsSchema(Type Type, ShapeKind Kind, Type? Item, bool Nullable)
{
    public static OptionsSchema Of(Type type)
    {
        if (System.Nullable.GetUnderlyingType(type) is { } underlying) return new(underlying, ShapeKind.Value, null, true);
        if (type == typeof(string) || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)))
            return new(type, ShapeKind.Value, null, !type.IsValueType);
        if (GenericInterface(type, typeof(IDictionary<,>)) is { } map) return new(type, ShapeKind.Map, map[1], true);
        if (type.IsArray) return new(type, ShapeKind.List, type.GetElementType(), true);
        if (GenericInterface(type, typeof(IEnumerable<>)) is { } list) return new(type, ShapeKind.List, list[0], true);
        return new(type, ShapeKind.Object, null, true);
    }

    /// <summary>
    /// The keys of an object, as the binder spells them ([ConfigurationKeyName] honoured): key → property type and
    /// whether a post-configure step reads it by hand (<see cref="ReadByHandAttribute"/>).
    /// </summary>
    public IReadOnlyDictionary<string, (Type Type, bool ByHand)> Keys() =>
        Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetCustomAttribute<ReadByHandAttribute>() is { } byHand
                ? (byHand.Key, (p.PropertyType, true))
                : (p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, (p.PropertyType, false)))
            .ToDictionary(k => k.Item1, k => k.Item2, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the binder converts <paramref name="value"/> (same converter, same culture), so it would not throw.</summary>
    public bool Accepts(string value)
    {
        if (Nullable && value.Length == 0) return true;
        try
        {
            TypeDescriptor.GetConverter(Type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>What a value of this type looks like, for "'five' is not a whole number".</summary>
    public string Describe() => Kind switch
    {
        ShapeKind.Map => "an object of names and values",
        ShapeKind.List => "a list",
        ShapeKind.Object => $"an object with the keys {string.Join(", ", Keys().Keys)}",
        _ when Type == typeof(TimeSpan) => "a time span such as 00:10:00 (hh:mm:ss)",
        _ when Type == typeof(int) || Type == typeof(long) => "a whole number",
        _ when Type == typeof(bool) => "true or false",
        _ when Type == typeof(double) || Type == typeof(decimal) => "a number",
        _ when Type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(Type))}",
        _ => $"a {Type.Name}",
    };

    private static Type[]? GenericInterface(Type type, Type definition) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type : null)?.GetGenericArguments()
        ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition)?.GetGenericArguments();
}
