namespace MlopsFlows.DevServices.Databricks;

/// <summary>How one served entity answers: its latency distribution and the share of requests that fail.</summary>
internal sealed record LatencyProfile(double AddedLatencyMs, double ServerErrorRate)
{
    /// <summary>Client errors (4xx) are the callers' doing, so they stay at this rate whatever the model does.</summary>
    public const double ClientErrorRate = 0.0005;

    /// <summary>Healthy server errors (5xx); with <see cref="ClientErrorRate"/> about 0.2% of requests fail.</summary>
    public const double HealthyServerErrorRate = 0.0015;

    /// <summary>
    /// Healthy latency as cumulative shares at anchor latencies, linear in between: median 60 ms, p95 120 ms, nothing
    /// under 15 ms or over 400 ms. A fixed table rather than a random draw so every read is reproducible.
    /// </summary>
    private static readonly (double Ms, double Share)[] HealthyAnchors =
        [(15, 0), (40, 0.20), (60, 0.50), (90, 0.85), (120, 0.95), (180, 0.99), (400, 1)];

    private static readonly double HealthyMeanMs = HealthyAnchors
        .Zip(HealthyAnchors.Skip(1))
        .Sum(pair => (pair.Second.Share - pair.First.Share) * (pair.First.Ms + pair.Second.Ms) / 2);

    public static LatencyProfile Healthy { get; } = new(0, HealthyServerErrorRate);

    /// <summary>Added to every prediction the version answers invocations with (then kept within [0, 1]). Default 0.</summary>
    public double PredictionShift { get; init; }

    public double MeanMs => HealthyMeanMs + AddedLatencyMs;

    /// <summary>The latency below which <paramref name="share"/> of requests are answered: the inverse of <see cref="ShareWithin"/>.</summary>
    public double LatencyAt(double share)
    {
        share = Math.Clamp(share, 0, 1);
        for (var i = 1; i < HealthyAnchors.Length; i++)
        {
            var (ms, anchorShare) = HealthyAnchors[i];
            if (share <= anchorShare)
            {
                var (previousMs, previousShare) = HealthyAnchors[i - 1];
                return AddedLatencyMs + previousMs + ((ms - previousMs) * (share - previousShare) / (anchorShare - previousShare));
            }
        }

        return AddedLatencyMs + HealthyAnchors[^1].Ms;
    }

    /// <summary>The share of requests answered within <paramref name="latencyMs"/>.</summary>
    public double ShareWithin(double latencyMs)
    {
        var healthyLatency = latencyMs - AddedLatencyMs;
        if (healthyLatency <= HealthyAnchors[0].Ms)
        {
            return 0;
        }

        for (var i = 1; i < HealthyAnchors.Length; i++)
        {
            var (ms, share) = HealthyAnchors[i];
            if (healthyLatency <= ms)
            {
                var (previousMs, previousShare) = HealthyAnchors[i - 1];
                return previousShare + ((share - previousShare) * (healthyLatency - previousMs) / (ms - previousMs));
            }
        }

        return 1;
    }
}

/// <summary>Cumulative telemetry of one served entity at one moment.</summary>
internal sealed record EntityTelemetry(long Requests, long ClientErrors, long ServerErrors, double LatencySumMs, IReadOnlyList<long> RequestsWithin);

/// <summary>
/// Request counters of one served entity, derived from time rather than stored: the entity's history is a list of
/// segments, each with a request rate and a latency profile, and a read adds up every segment up to now. A change of
/// traffic share or of regression closes the current segment, so it applies only to requests counted after it.
/// </summary>
internal sealed class ServedEntityCounters
{
    /// <summary>Upper bounds (ms) of the latency histogram's buckets; the implicit last bucket is +Inf.</summary>
    public static readonly IReadOnlyList<double> LatencyBucketBoundsMs = [10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000];

    private readonly List<Segment> segments = [];

    public ServedEntityCounters(DateTimeOffset createdAt, int warmupRequests, double requestsPerSecond, LatencyProfile profile)
    {
        CreatedAt = createdAt;
        segments.Add(new Segment(createdAt, null, warmupRequests, requestsPerSecond, profile));
    }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>From <paramref name="at"/> on, requests arrive at <paramref name="requestsPerSecond"/> and answer per <paramref name="profile"/>.</summary>
    public void ChangeAt(DateTimeOffset at, double requestsPerSecond, LatencyProfile profile)
    {
        var current = segments[^1];
        if (current.RequestsPerSecond.Equals(requestsPerSecond) && current.Profile == profile)
        {
            return;
        }

        segments[^1] = current with { End = at };
        segments.Add(new Segment(at, null, 0, requestsPerSecond, profile));
    }

    /// <summary>
    /// Totals up to <paramref name="now"/>. Each segment's counts are rounded down on their own, which keeps every
    /// counter monotonic as time passes and every bucket no larger than the next.
    /// </summary>
    public EntityTelemetry Read(DateTimeOffset now)
    {
        long requests = 0, clientErrors = 0, serverErrors = 0;
        double latencySum = 0;
        var within = new long[LatencyBucketBoundsMs.Count];
        foreach (var segment in segments)
        {
            var served = segment.RequestsUntil(now);
            requests += (long)Math.Floor(served);
            clientErrors += (long)Math.Floor(served * LatencyProfile.ClientErrorRate);
            serverErrors += (long)Math.Floor(served * segment.Profile.ServerErrorRate);
            latencySum += served * segment.Profile.MeanMs;
            for (var i = 0; i < within.Length; i++)
            {
                within[i] += (long)Math.Floor(served * segment.Profile.ShareWithin(LatencyBucketBoundsMs[i]));
            }
        }

        return new EntityTelemetry(requests, clientErrors, serverErrors, Math.Round(latencySum, 3), within);
    }

    private sealed record Segment(DateTimeOffset Start, DateTimeOffset? End, double InitialRequests, double RequestsPerSecond, LatencyProfile Profile)
    {
        public double RequestsUntil(DateTimeOffset now)
        {
            var end = End is { } closed && closed < now ? closed : now;
            var seconds = Math.Max(0, (end - Start).TotalSeconds);
            return InitialRequests + (RequestsPerSecond * seconds);
        }
    }
}
