using System.Net;
using System.Net.Sockets;

namespace MlopsFlows.DevServices.Tests;

public sealed class FreePortTests
{
    [Fact]
    public void Next_Called_ReturnsPortThatCanBeBound()
    {
        var port = FreePort.Next();

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Assert.InRange(port, 1, 65535);
    }

    [Fact]
    public void Distinct_ThreePorts_AreAllDifferent()
    {
        var ports = FreePort.Distinct(3);

        Assert.Equal(3, ports.Distinct().Count());
    }
}
