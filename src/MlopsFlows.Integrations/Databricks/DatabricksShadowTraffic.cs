using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Statistics.Judge;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Databricks;

/// <summary>
/// Shadow mode on Model Serving, which cannot mirror traffic: recent production requests, sampled into
/// <c>{SamplesDirectory}/{endpoint}.jsonl</c> (see <see cref="ShadowReplayOptions"/>), are replayed against the champion's
/// and the candidate's served entities directly, through
/// <c>POST /serving-endpoints/{name}/served-models/{served_model_name}/invocations</c>, so the candidate (at 0% of the
/// endpoint's traffic) answers the same requests as the champion and nobody receives its answers.
/// </summary>
/// <remarks>
/// <para>
/// Each request goes to both versions, one after the other, the order alternating so neither always meets a warm
/// cache. Per version: every call is a request; a call that fails (a non-2xx answer, a timeout, a broken connection)
/// is an error, since replayed requests are ones production sent and the champion served; the latency of each answered
/// call is measured on the client, so it includes the network to the workspace; numeric entries of the answer's
/// <c>predictions</c> array are the predictions (other shapes give none, and prediction drift is then inconclusive).
/// </para>
/// <para>
/// Calls are never retried (a retry would hide errors and distort latency). A 401, 403 or 404 is not the version's
/// fault but a configuration problem, so it stops the replay with the usual classified exception. The window is not
/// used to pick requests: the observation's window is the replay's own start and end.
/// </para>
/// </remarks>
public sealed class DatabricksShadowTraffic(
    HttpClient http,
    IHttpClientFactory clients,
    IOptions<ShadowReplayOptions> options,
    TimeProvider time,
    ILogger<DatabricksShadowTraffic> logger) : IShadowTraffic
{
    /// <summary>The named client for invocations: the workspace address and token, no retries.</summary>
    public const string InvocationClientName = "MlopsFlows.Databricks.Invocations";

    public async Task<CanaryObservation> ReplayAsync(
        string endpoint, string model, int championVersion, int candidateVersion, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var requests = await ReadSampleAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var details = await http.GetJsonAsync<ServingEndpointDetails>($"api/2.0/serving-endpoints/{DatabricksHttp.Segment(endpoint)}", cancellationToken).ConfigureAwait(false);
        var champion = new Replay(endpoint, EntityServing(details, endpoint, model, championVersion));
        var candidate = new Replay(endpoint, EntityServing(details, endpoint, model, candidateVersion));

        var invoker = clients.CreateClient(InvocationClientName);
        var start = time.GetUtcNow();
        for (var i = 0; i < requests.Count; i++)
        {
            var (first, second) = i % 2 == 0 ? (champion, candidate) : (candidate, champion);
            await InvokeAsync(invoker, first, requests[i], cancellationToken).ConfigureAwait(false);
            await InvokeAsync(invoker, second, requests[i], cancellationToken).ConfigureAwait(false);
        }

        var end = time.GetUtcNow();
        Log.ShadowReplayed(logger, endpoint, requests.Count, championVersion, champion.Errors, candidateVersion, candidate.Errors);
        return new CanaryObservation(start, end, champion.ToObservation(), candidate.ToObservation());
    }

    /// <summary>The first <see cref="ShadowReplayOptions.MaxRequests"/> request bodies of the endpoint's sample file.</summary>
    private async Task<IReadOnlyList<string>> ReadSampleAsync(string endpoint, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.SamplesDirectory))
        {
            throw new ServingConfigurationException(
                $"Shadow mode on '{endpoint}' needs a sample of recent requests: set {ShadowReplayOptions.SectionName}:{nameof(ShadowReplayOptions.SamplesDirectory)}.");
        }

        // Endpoint names are letters, digits, '-' and '_'; anything else could leave the samples folder.
        if (!endpoint.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"'{endpoint}' is not a serving endpoint name.", nameof(endpoint));
        }

        var path = Path.Combine(settings.SamplesDirectory, endpoint + ".jsonl");
        if (!File.Exists(path))
        {
            throw new ServingConfigurationException($"Shadow mode on '{endpoint}' found no request sample at '{path}'.");
        }

        var requests = new List<string>();
        var lineNumber = 0;
        await foreach (var line in File.ReadLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!IsJsonObject(line))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{path}' line {lineNumber} is not a JSON object (one request body per line)."));
            }

            requests.Add(line);
            if (requests.Count == settings.MaxRequests)
            {
                break;
            }
        }

        return requests.Count > 0
            ? requests
            : throw new ServingConfigurationException($"Shadow mode on '{endpoint}' found an empty request sample at '{path}'.");
    }

    private async Task InvokeAsync(HttpClient invoker, Replay replay, string body, CancellationToken cancellationToken)
    {
        var path = $"serving-endpoints/{DatabricksHttp.Segment(replay.Endpoint)}/served-models/{DatabricksHttp.Segment(replay.ServedEntity)}/invocations";
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var started = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await invoker.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            replay.Failed();
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The invocation timeout, not the caller.
            replay.Failed();
            return;
        }

        using (response)
        {
            var elapsed = time.GetElapsedTime(started);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                throw await DatabricksHttp.ClassifyAsync(response, $"POST {path}", cancellationToken).ConfigureAwait(false);
            }

            if (!response.IsSuccessStatusCode)
            {
                replay.Failed();
                return;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            replay.Answered(elapsed.TotalMilliseconds, Predictions(text));
        }
    }

    private static string EntityServing(ServingEndpointDetails details, string endpoint, string model, int version)
    {
        var versionText = version.ToString(CultureInfo.InvariantCulture);
        var entity = (details.Config?.ServedEntities ?? []).FirstOrDefault(e =>
            string.Equals(e.EntityName, model, StringComparison.OrdinalIgnoreCase) && e.EntityVersion == versionText);
        return entity?.Name
            ?? throw new ServingConfigurationException($"Serving endpoint '{endpoint}' serves no entity of {model} version {versionText} to replay requests against.");
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The numeric entries of <c>predictions</c>; none when the answer has another shape.</summary>
    private static List<double> Predictions(string text)
    {
        var predictions = new List<double>();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("predictions", out var array)
                && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Number && item.TryGetDouble(out var value) && double.IsFinite(value))
                    {
                        predictions.Add(value);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // An answer that is not JSON carries no predictions; the call still answered.
        }

        return predictions;
    }

    /// <summary>What one version did during the replay.</summary>
    private sealed class Replay(string endpoint, string servedEntity)
    {
        private readonly List<double> latencies = [];
        private readonly List<double> predictions = [];

        public string Endpoint { get; } = endpoint;

        public string ServedEntity { get; } = servedEntity;

        public long Requests { get; private set; }

        public long Errors { get; private set; }

        public void Answered(double latencyMs, IEnumerable<double> returned)
        {
            Requests++;
            latencies.Add(latencyMs);
            predictions.AddRange(returned);
        }

        public void Failed()
        {
            Requests++;
            Errors++;
        }

        public VersionObservation ToObservation() => new(new VersionSample([.. latencies], Requests, Errors), [.. predictions]);
    }
}
