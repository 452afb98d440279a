namespace MlopsFlows.DevServices.Tests.Support;

/// <summary>A clock that moves only when told, so time-derived counts can be asserted exactly.</summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly Lock gate = new();
    private DateTimeOffset now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (gate)
        {
            now += by;
        }
    }
}
