using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MlopsFlows.Api.Audit;

namespace MlopsFlows.Functions.Audit;

/// <summary>
/// The auditors' API as HTTP triggers, each handing the request to the shared handler in <see cref="AuditApi"/>; the
/// host adds the <c>api/</c> prefix (host.json), so the paths equal the local host's. In Azure the packets are signed
/// with the Key Vault key that infra creates (<c>MlopsFlows:Packets:Signing:KeyVaultKeyId</c>).
/// </summary>
public static class AuditHttpFunctions
{
    [Function(nameof(GetReleasePacket))]
    public static Task<IResult> GetReleasePacket(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "releases/{id}/packet")] HttpRequest request,
        string id) =>
        AuditApi.PacketAsync(request, id);

    [Function(nameof(ExportModelRiskReview))]
    public static Task<IResult> ExportModelRiskReview(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "audit/review")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        AuditApi.ReviewAsync(request, client);
}
