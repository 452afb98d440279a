namespace MlopsFlows.Domain.Approvals;

/// <summary>
/// Maximum bipartite matching of people to seats (Kuhn's augmenting paths). Greedy assignment fails when someone
/// holding two roles takes the only seat another person could fill; augmenting paths move them to their other seat.
/// People and seats are tried in the order given, so the same inputs always give the same assignment.
/// </summary>
internal static class SeatMatching
{
    /// <summary>For each seat, the index of the person in it, or -1 when empty.</summary>
    public static int[] Match(int people, int seats, Func<int, int, bool> canFill)
    {
        var owner = new int[seats];
        Array.Fill(owner, -1);
        for (var person = 0; person < people; person++)
        {
            TryPlace(person, new bool[seats], owner, canFill);
        }

        return owner;
    }

    private static bool TryPlace(int person, bool[] visited, int[] owner, Func<int, int, bool> canFill)
    {
        for (var seat = 0; seat < owner.Length; seat++)
        {
            if (visited[seat] || !canFill(person, seat))
            {
                continue;
            }

            visited[seat] = true;
            if (owner[seat] < 0 || TryPlace(owner[seat], visited, owner, canFill))
            {
                owner[seat] = person;
                return true;
            }
        }

        return false;
    }
}
