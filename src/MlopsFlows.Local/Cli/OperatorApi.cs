using System.Net.Http.Json;
using System.Text.Json;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Local.Cli;

/// <summary>The answer of one call: the body on success, or the message to print (the problem's detail and every bad field).</summary>
internal sealed record ApiResult<T>(T? Value, string? Error)
    where T : class;

/// <summary>A file downloaded from the API.</summary>
internal sealed record DownloadedFile(string FileName, byte[] Content);

/// <summary>
/// A running host's HTTP API, as the operator verbs call it: <c>--api</c>, else <c>MlopsFlows:Cli:Api</c>, else the
/// local host on 127.0.0.1 at <c>MlopsFlows:Local:ApiPort</c> (7071). Every call carries an API token: <c>--token</c>
/// or <c>MlopsFlows:Cli:Token</c> (an Entra token for the API, e.g. from <c>az account get-access-token</c>), else one
/// from a local host's development sign-in for the person acting (<c>--by</c>, <c>MlopsFlows:Cli:By</c>, else the
/// machine's user name).
/// </summary>
internal sealed class OperatorApi : IDisposable
{
    public const string SettingKey = "MlopsFlows:Cli:Api";
    public const string BySettingKey = "MlopsFlows:Cli:By";
    public const string TokenSettingKey = "MlopsFlows:Cli:Token";

    private readonly HttpClient http;
    private readonly string signInAs;
    private string? token;

    private OperatorApi(Uri baseAddress, string? token, string signInAs)
    {
        // Each call sets its own deadline: a quick one for commands, a long one for packet and review downloads.
        http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        this.token = token;
        this.signInAs = signInAs;
    }

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>The API named on the command line or in configuration; null (with the reason) when that is not an http(s) URL.</summary>
    public static (OperatorApi? Api, string? Problem) From(CliArguments args, IConfiguration configuration)
    {
        var port = configuration.GetValue<int?>("MlopsFlows:Local:ApiPort") ?? 7071;
        var text = args.Option("api") ?? configuration[SettingKey] ?? $"http://127.0.0.1:{port}";
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return (null, $"--api must be an http(s) URL such as http://127.0.0.1:7071, not '{text}'.");
        }

        var token = args.Option("token") ?? configuration[TokenSettingKey];
        var by = args.Option("by") ?? configuration[BySettingKey] ?? $"{Environment.UserName}@localhost";
        return (new OperatorApi(uri, string.IsNullOrWhiteSpace(token) ? null : token.Trim(), by), null);
    }

    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Packets render a PDF; a review export issues a packet per release of the period.</summary>
    public static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(15);

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken)
        where T : class =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ReadJsonAsync<T>, CallTimeout, cancellationToken);

    public Task<ApiResult<T>> PostAsync<T>(string path, object body, CancellationToken cancellationToken)
        where T : class =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: ApiJson.Options) }, ReadJsonAsync<T>, CallTimeout, cancellationToken);

    /// <summary>A file the API answers with (a packet, a review export): its bytes and the name the API gave it.</summary>
    public Task<ApiResult<DownloadedFile>> DownloadAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(
            new HttpRequestMessage(HttpMethod.Get, path),
            async (response, token) => new DownloadedFile(
                response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "download.zip",
                await response.Content.ReadAsByteArrayAsync(token)),
            DownloadTimeout,
            cancellationToken);

    private static Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class =>
        response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken);

    public void Dispose() => http.Dispose();

    // A local host with the simulator signs people in itself; anywhere else this answers 404 and the call goes without a
    // token, to be refused with the API's own explanation.
    private async Task<string?> DevelopmentSignInAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("dev/token", new { upn = signInAs }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.TryGetProperty("accessToken", out var value) ? value.GetString() : null;
    }

    /// <summary>A path segment as sent: ids hold colons, which must not read as a scheme.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    private async Task<ApiResult<T>> SendAsync<T>(
        HttpRequestMessage request, Func<HttpResponseMessage, CancellationToken, Task<T?>> read, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        using (request)
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(timeout);
            HttpResponseMessage response;
            try
            {
                token ??= await DevelopmentSignInAsync(deadline.Token);
                if (token is not null)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                }

                response = await http.SendAsync(request, deadline.Token);
            }
            catch (HttpRequestException unreachable)
            {
                return new ApiResult<T>(null, $"cannot reach the API at {BaseAddress}: {unreachable.Message} (is `mlopsflows serve` running? --api names another host)");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new ApiResult<T>(null, $"the API at {BaseAddress} did not answer within {timeout.TotalSeconds:0} s");
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    var value = await read(response, deadline.Token);
                    return value is null ? new ApiResult<T>(null, $"{(int)response.StatusCode}: the API answered without a body") : new ApiResult<T>(value, null);
                }

                return new ApiResult<T>(null, await DescribeAsync(response, cancellationToken));
            }
        }
    }

    // problem+json: status, title, detail and each field's message; anything else: status and the start of the body.
    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
                : root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : text;
            return $"{status}: {detail}";
        }
        catch (JsonException)
        {
            return $"{status}: {(text.Length > 300 ? text[..300] + "…" : text)}";
        }
    }
}
