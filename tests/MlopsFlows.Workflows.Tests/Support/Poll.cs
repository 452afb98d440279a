using System.Diagnostics;

namespace MlopsFlows.Workflows.Tests.Support;

/// <summary>Waits for a state by asking again until it holds or a deadline passes; never by sleeping a guessed time.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns the first value of <paramref name="probe"/> that satisfies <paramref name="condition"/>.</summary>
    /// <exception cref="TimeoutException">The condition did not hold before <paramref name="timeout"/>; names the last value seen.</exception>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F1} s; last seen: {last}");
            }

            await Task.Delay(Interval);
        }
    }
}
