using Azure;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Storage;

internal static class StorageFailures
{
    /// <summary>
    /// What the storage SDK still fails with after its own retries: throttling, server errors and network failures are
    /// transient; everything else (a conflict, a refused credential) passes through as it is. 501 is not transient:
    /// the storage does not implement the call.
    /// </summary>
    public static async Task<T> ClassifyAsync<T>(string store, string what, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 0 or 408 or 429 or (>= 500 and not 501))
        {
            throw new TransientDependencyException($"{store} could not {what}: {ex.Status} {ex.ErrorCode}", ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException or OperationCanceledException))
        {
            // Azure.Core reports exhausted retries of network failures this way.
            throw new TransientDependencyException($"{store} could not {what}: {ex.InnerExceptions[^1].Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientDependencyException($"{store} could not {what}: timed out", ex);
        }
    }
}
