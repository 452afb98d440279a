using System.Net.Http.Json;
using MlopsFlows.Api.Releases;

namespace MlopsFlows.Api.Tests;

internal static class Polling
{
    /// <summary>Reads the release until <paramref name="condition"/> holds; fails with the last state seen after <paramref name="timeout"/>.</summary>
    public static async Task<ReleaseDetail> UntilAsync(HttpClient api, string id, Func<ReleaseDetail, bool> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        ReleaseDetail? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"api/releases/{id}");
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadFromJsonAsync<ReleaseDetail>(ApiJson.Options);
                if (last is not null && condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Release {id} did not reach the state where {because} within {timeout}; last seen: status {last?.RuntimeStatus}, stage {last?.Progress?.Stage}.");
    }
}
