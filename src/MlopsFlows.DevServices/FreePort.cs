using System.Net;
using System.Net.Sockets;

namespace MlopsFlows.DevServices;

/// <summary>Free TCP ports on the loopback interface, as the operating system hands them out.</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago. Another process may still take it before the caller binds it.</summary>
    public static int Next() => Distinct(1)[0];

    /// <summary>
    /// <paramref name="count"/> ports that differ from each other: every listener stays open until all are chosen,
    /// so the operating system cannot hand the same port out twice.
    /// </summary>
    public static IReadOnlyList<int> Distinct(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
