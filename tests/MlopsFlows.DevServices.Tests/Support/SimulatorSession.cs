using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MlopsFlows.DevServices.Databricks;

namespace MlopsFlows.DevServices.Tests.Support;

/// <summary>A simulator and an HTTP client that carries its token, as an adapter would call it.</summary>
internal sealed class SimulatorSession : IAsyncDisposable
{
    private SimulatorSession(DatabricksSimulator simulator)
    {
        Simulator = simulator;
        Http = new HttpClient { BaseAddress = new Uri(simulator.BaseUrl) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", simulator.Token);
    }

    public DatabricksSimulator Simulator { get; }

    public HttpClient Http { get; }

    public static async Task<SimulatorSession> StartAsync(SimulatorOptions? options = null) =>
        new(await DatabricksSimulator.StartAsync(options ?? new SimulatorOptions(), CancellationToken.None));

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public async Task<JsonNode> GetOkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, status);
        return body!;
    }

    public async Task<IReadOnlyList<PrometheusSample>> MetricsAsync(string endpoint)
    {
        using var response = await Http.GetAsync(new Uri($"api/2.0/serving-endpoints/{endpoint}/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A serving config body with the given entities (name, model, version) and routes (name, percent).</summary>
    public static string ConfigJson(IEnumerable<(string Name, string Model, int Version)> entities, IEnumerable<(string Name, int Percent)> routes)
    {
        var body = new JsonObject
        {
            ["served_entities"] = new JsonArray([.. entities.Select(e => (JsonNode)new JsonObject
            {
                ["name"] = e.Name,
                ["entity_name"] = e.Model,
                ["entity_version"] = e.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["workload_size"] = "Small",
                ["scale_to_zero_enabled"] = true,
            })]),
            ["traffic_config"] = new JsonObject
            {
                ["routes"] = new JsonArray([.. routes.Select(r => (JsonNode)new JsonObject { ["served_model_name"] = r.Name, ["traffic_percentage"] = r.Percent })]),
            },
        };
        return body.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}
