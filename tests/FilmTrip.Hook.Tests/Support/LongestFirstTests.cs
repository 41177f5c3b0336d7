using FilmTrip.Hook.Tests.Integrity;
using FilmTrip.Hook.Tests.InProcess;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FilmTrip.Hook.Tests.Support;

/// <summary>The run's collection order (<see cref="LongestFirst"/>), on xunit's own collection objects.</summary>
[Trait("Tier", "InProcess")]
public sealed class LongestFirstTests
{
    private static readonly TestAssembly Assembly = new(Reflector.Wrap(typeof(LongestFirstTests).Assembly));

    private static ITestCollection ClassCollection(Type type) =>
        new CollectionPerClassTestCollectionFactory(Assembly, new NullMessageSink()).Get(Reflector.Wrap(type));

    [Fact]
    public void Long_running_classes_come_first_longest_first_and_the_rest_keep_their_order()
    {
        var quick = ClassCollection(typeof(QueueRuleTests));
        var quicker = ClassCollection(typeof(LongestFirstTests));
        var sandbox = ClassCollection(typeof(Sandbox.SandboxScriptTests));
        var recovery = ClassCollection(typeof(RecoveryTests));

        var ordered = new LongestFirst().OrderTestCollections([quick, sandbox, quicker, recovery]).ToList();

        Assert.Equal([recovery, sandbox, quick, quicker], ordered);
        Assert.Equal(0, LongestFirst.SecondsOf(new TestCollection(Assembly, null, "an explicit collection")));
        Assert.True(LongestFirst.SecondsOf(new TestCollection(Assembly, Reflector.Wrap(typeof(Dashboard.DashboardCollection)), "dashboard")) > 0,
            "a [CollectionDefinition] class's [LongRunning] counts for its collection");
    }
}
