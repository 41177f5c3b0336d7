using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("FilmTrip.Hook.Tests.Support.LongestFirst", "FilmTrip.Hook.Tests")]

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A test class (or a [CollectionDefinition] class) whose tests take a while in a full run: about
/// <paramref name="seconds"/> in all, measured in a full run on two cores. Only the order it gives
/// <see cref="LongestFirst"/> matters, not the number itself.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongRunningAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}

/// <summary>
/// Starts the <see cref="LongRunningAttribute"/> collections first, longest first, then every other one in xunit's own
/// order. A long class started late ends the run alone while the other test threads have nothing left to run
/// (a kill -9 recovery class started at 180 s was the last 45 s of a 6-minute run). Most long classes are long
/// because they wait (a StableFor, a watch window, a drain), so started first they also leave CPU to the short ones.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    // xunit's name for a class's own collection (CollectionPerClassTestCollectionFactory).
    private const string ClassCollection = "Test collection for ";

    private static readonly Dictionary<string, int> Seconds = typeof(LongestFirst).Assembly.GetTypes()
        .Select(t => (t.FullName, Long: t.GetCustomAttribute<LongRunningAttribute>()))
        .Where(t => t.Long is not null && t.FullName is not null)
        .ToDictionary(t => t.FullName!, t => t.Long!.Seconds, StringComparer.Ordinal);

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((collection, index) => (collection, index))
            .OrderByDescending(c => SecondsOf(c.collection))
            .ThenBy(c => c.index)
            .Select(c => c.collection);

    internal static int SecondsOf(ITestCollection collection)
    {
        var name = collection.CollectionDefinition?.Name
            ?? (collection.DisplayName.StartsWith(ClassCollection, StringComparison.Ordinal) ? collection.DisplayName[ClassCollection.Length..] : null);
        return name is not null && Seconds.TryGetValue(name, out var seconds) ? seconds : 0;
    }
}
