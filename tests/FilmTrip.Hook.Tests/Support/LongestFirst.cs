using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("FilmTrip.Hook.Tests.Support.LongestFirst", "FilmTrip.Hook.Tests")]

namespace FilmTrip.Hook.Tests.Support;

/// <summary>
/// A test class that takes a minute or more of a full run: about <paramref name="seconds"/> (all its tests, measured in a
/// full run on two cores). Only the order it gives <see cref="LongestFirst"/> matters, not the number itself.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongRunningAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}

/// <summary>
/// Starts the <see cref="LongRunningAttribute"/> classes first, longest first, then every other class in xunit's own
/// order. A long class started late ends the run alone while the other test threads have nothing left to run
/// (a kill -9 recovery class started at 180 s was the last 45 s of a 6-minute run).
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

    internal static int SecondsOf(ITestCollection collection) =>
        collection.DisplayName.StartsWith(ClassCollection, StringComparison.Ordinal)
        && Seconds.TryGetValue(collection.DisplayName[ClassCollection.Length..], out var seconds) ? seconds : 0;
}
