namespace MlopsFlows.Workflows.Ports;

/// <summary>Starts a model's retraining job (a Databricks job in production).</summary>
public interface IRetrainingJobs
{
    /// <summary>
    /// Starts one run of the model's retraining job and returns the run's id. Idempotent per
    /// <paramref name="idempotencyKey"/> (at most 64 characters): asking again with the same key returns the same run.
    /// </summary>
    /// <exception cref="DependencyNotFoundException">No retraining job is known for the model.</exception>
    Task<string> StartAsync(string model, string idempotencyKey, CancellationToken cancellationToken);
}
