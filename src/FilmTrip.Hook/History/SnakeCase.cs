using System.Text.Json;
using System.Text.Json.Serialization;

namespace FilmTrip.Hook.History;

/// <summary>
/// The one spelling of <see cref="DeployState"/> and <see cref="DeployTrigger"/> (<c>rolled_back</c>, <c>manual</c>):
/// the API's and the CLI's JSON (through <see cref="SnakeCaseEnumConverter{T}"/> on the enums), the history
/// database's text columns, the deploy log and the <c>state</c> query all use it.
/// </summary>
public static class SnakeCase
{
    public static JsonNamingPolicy Policy => JsonNamingPolicy.SnakeCaseLower;

    public static string Name<T>(T value) where T : struct, Enum => Policy.ConvertName(value.ToString());

    public static IEnumerable<string> Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Name);

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Name(candidate) != text) continue;
            value = candidate;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>A name history wrote itself: anything else is a corrupt database, not bad input.</summary>
    public static T Parse<T>(string text) where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value : throw new InvalidDataException($"'{text}' is not a {typeof(T).Name}");
}

/// <summary>Serialises an enum as its <see cref="SnakeCase"/> name, both ways.</summary>
public sealed class SnakeCaseEnumConverter<T>() : JsonStringEnumConverter<T>(SnakeCase.Policy, allowIntegerValues: false) where T : struct, Enum;
