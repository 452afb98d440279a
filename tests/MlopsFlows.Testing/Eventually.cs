using System.Diagnostics;

namespace MlopsFlows.Testing;

/// <summary>Waits for state that changes on its own (a config going live, an orchestration finishing) by polling with a deadline.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <paramref name="condition"/> about every 50 ms until it returns true. Exceptions from the condition are not
    /// swallowed: a probe that can fail transiently should catch and return false itself.
    /// </summary>
    /// <exception cref="TimeoutException">The condition stayed false for <paramref name="timeout"/>; the message quotes <paramref name="because"/>.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        var attempts = 0;
        while (true)
        {
            attempts++;
            if (await condition().ConfigureAwait(false))
            {
                return;
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException(
                    $"Timed out after {clock.Elapsed.TotalSeconds:F1} s ({attempts} checks) waiting until {because}.");
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
