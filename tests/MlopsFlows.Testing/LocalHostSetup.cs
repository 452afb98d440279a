namespace MlopsFlows.Testing;

/// <summary>
/// What tests on the local host share: the fast test policies, a directory with an approver and an operator, and a
/// model version registered in the Databricks simulator the way a training job leaves it.
/// </summary>
public static class LocalHostSetup
{
    /// <summary>Holds the model-validation role: may approve medium-tier releases and decide inconclusive steps.</summary>
    public const string Approver = "risk@contoso.example";

    /// <summary>Holds the release-managers role: may pause, resume, stop and override.</summary>
    public const string Operator = "ops@contoso.example";

    /// <summary>The policy set of fast-tests.yaml with a two-second monitor on the medium tier that rolls back after three unacknowledged seconds.</summary>
    public const string FastMonitoringPolicies = "fast-monitoring";

    /// <summary>Configuration arguments for the fast test policy set and the two people above.</summary>
    public static IReadOnlyList<string> Arguments => ArgumentsFor("fast-tests");

    /// <summary>Configuration arguments for a test policy set (a file in tests/MlopsFlows.Testing/policies) and the two people above.</summary>
    public static IReadOnlyList<string> ArgumentsFor(string policySet) =>
    [
        $"--MlopsFlows:Policies:Path={Path.Combine(AppContext.BaseDirectory, "test-policies")}",
        $"--MlopsFlows:Policies:Active={policySet}",
        $"--MlopsFlows:Approvers:0:Upn={Approver}",
        "--MlopsFlows:Approvers:0:ObjectId=00000000-0000-4000-8000-0000000000a1",
        "--MlopsFlows:Approvers:0:Roles:0=model-validation",
        $"--MlopsFlows:Approvers:1:Upn={Operator}",
        "--MlopsFlows:Approvers:1:ObjectId=00000000-0000-4000-8000-0000000000a2",
        "--MlopsFlows:Approvers:1:Roles:0=release-managers",
    ];

    /// <summary>The body of the simulator's <c>/sim/models</c>: a medium-tier version with a model card and an evaluation set.</summary>
    public static object ModelVersion(string model, int version, double auc = 0.82, double logLoss = 0.41) => new
    {
        name = model,
        version,
        modelTags = new Dictionary<string, string> { ["risk_tier"] = "medium" },
        createdBy = "data.scientist@contoso.example",
        metrics = new { auc, log_loss = logLoss },
        tags = new Dictionary<string, string>
        {
            ["model_card.intended_use"] = "credit decisions",
            ["model_card.limitations"] = "consumer lending only",
            ["model_card.training_data"] = "main.credit.train",
            ["model_card.evaluation_data"] = "main.credit.holdout",
            ["model_card.owner"] = "credit@contoso.example",
            ["evaluation_set"] = "main.credit.holdout",
            ["evaluation_set_version"] = "3",
        },
    };
}
