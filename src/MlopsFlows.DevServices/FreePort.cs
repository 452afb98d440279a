using System.Net;
using System.Net.Sockets;

namespace MlopsFlows.DevServices;

/// <summary>
/// Free TCP ports on the loopback interface, as the operating system hands them out, never the same one twice in this
/// process (several hosts in one test process choose ports before they bind them).
/// </summary>
public static class FreePort
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> Issued = new();

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
            var ports = new List<int>(count);
            // Bounded: the ephemeral range holds thousands of ports; a few hundred tries always find new ones.
            for (var attempt = 0; ports.Count < count && attempt < 100 * count; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Issued.TryAdd(port, true))
                {
                    ports.Add(port);
                }
            }

            return ports.Count == count ? ports : throw new InvalidOperationException($"Found only {ports.Count} of {count} unused loopback ports.");
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
