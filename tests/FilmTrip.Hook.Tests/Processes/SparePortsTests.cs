using System.Net;
using System.Net.Sockets;
using FilmTrip.Hook.Processes;

namespace FilmTrip.Hook.Tests.Processes;

/// <summary>The preflight's port (and the tests'): below the ephemeral range, free when handed out, never twice in a row.</summary>
[Trait("Tier", "InProcess")]
public sealed class SparePortsTests
{
    [Fact]
    public void Ports_are_free_distinct_and_below_the_ephemeral_range()
    {
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);

        var ports = Enumerable.Range(0, 50).Select(_ => SparePorts.Next()).ToList();

        Assert.All(ports, p => Assert.InRange(p, 20000, ephemeralStart - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
        foreach (var port in ports.Take(5))
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start(); // throws when the port was not free
        }
    }

    [Fact]
    public void A_port_in_use_is_never_handed_out()
    {
        var taken = new List<TcpListener>();
        try
        {
            // Hold the next ports as they come: each later one must differ from every held one.
            for (var i = 0; i < 20; i++)
            {
                var port = SparePorts.Next();
                Assert.DoesNotContain(taken, l => ((IPEndPoint)l.LocalEndpoint).Port == port);
                var listener = new TcpListener(IPAddress.Any, port);
                listener.Start();
                taken.Add(listener);
            }
        }
        finally
        {
            foreach (var listener in taken) listener.Stop();
        }
    }
}
