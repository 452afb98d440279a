using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Api.Http;
using MlopsFlows.Api.Incidents;
using MlopsFlows.Domain.Evidence;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Workflows.Audit;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Api.Audit;

/// <summary>
/// The auditors' API: the signed packet of a release, and the model-risk review export of a period. Both are zip files
/// (<c>application/zip</c>) that verify offline with <c>mlopsflows verify --packet</c>. The local host maps them with
/// <see cref="MapAuditApi"/>; the Functions app calls the handlers from its HTTP triggers.
/// </summary>
public static class AuditApi
{
    public const string ZipContentType = "application/zip";

    /// <summary>The model-risk review export; packets live under the release they belong to.</summary>
    public const string ReviewRoute = "/api/audit/review";

    /// <summary>The longest period one review export covers: a year and a bit, so a quarter or a year always fits.</summary>
    public static readonly TimeSpan MaxReviewPeriod = TimeSpan.FromDays(400);

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/releases/{id}/packet", (HttpRequest request, string id) => PacketAsync(request, id))
            .WithTags("Audit").WithName("GetReleasePacket")
            .WithSummary("The signed audit packet of a release (its latest run, or ?run=): manifest, records, HTML and PDF in a zip.");
        app.MapGet(ReviewRoute, (HttpRequest request, DurableTaskClient client) => ReviewAsync(request, client))
            .WithTags("Audit").WithName("ExportModelRiskReview")
            .WithSummary("Every packet of releases that ended in [from, to), the incidents opened then, and a signed index (?from=&to=&pdf=).");
        return app;
    }

    public static async Task<IResult> PacketAsync(HttpRequest request, string id)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        if (!ReleaseKey.TryParse(id, out _))
        {
            return Problems.NotFound($"There is no release '{id}'. Release ids look like release:catalog.schema.model:12:prod.");
        }

        string? run = request.Query["run"];
        if (run is not null && !EvidenceRecord.IsValidRunId(run))
        {
            return Problems.Validation("run", "A run id is 1 to 64 letters, digits and '-'.");
        }

        var packets = request.HttpContext.RequestServices.GetRequiredService<AuditPackets>();
        try
        {
            var packet = await packets.IssueAsync(id, run, request.HttpContext.RequestAborted);
            return TypedResults.File(packet.Zip, ZipContentType, packet.FileName);
        }
        catch (PacketNotFoundException missing)
        {
            return Problems.NotFound(missing.Message);
        }
        catch (PacketSigningUnavailableException unsigned)
        {
            return Problems.Problem(StatusCodes.Status503ServiceUnavailable, "Packets cannot be signed.", unsigned.Message);
        }
        catch (TransientDependencyException busy)
        {
            return Busy(busy);
        }
    }

    public static async Task<IResult> ReviewAsync(HttpRequest request, DurableTaskClient client)
    {
        if ((await ApiCallers.RequireAsync(request)).Problem is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        var from = Date(request.Query["from"], "from", errors);
        var to = Date(request.Query["to"], "to", errors);
        var pdf = request.Query["pdf"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => Invalid(errors, "pdf", "pdf is true or false."),
        };
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (to <= from)
        {
            return Problems.Problem(StatusCodes.Status422UnprocessableEntity, "The period is empty.", $"'to' ({to:yyyy-MM-dd}) must come after 'from' ({from:yyyy-MM-dd}).");
        }

        if (to - from > MaxReviewPeriod)
        {
            return Problems.Problem(StatusCodes.Status422UnprocessableEntity, "The period is too long.", $"One export covers at most {MaxReviewPeriod.TotalDays:0} days; export the period in parts.");
        }

        var review = request.HttpContext.RequestServices.GetRequiredService<ModelRiskReview>();
        var cancellationToken = request.HttpContext.RequestAborted;
        try
        {
            var incidents = await IncidentsApi.ListAllAsync(client, cancellationToken);
            var export = await review.ExportAsync(
                from!.Value,
                to!.Value,
                [.. incidents.Select(i => new ReviewIncident(
                    i.Id, i.Model, i.Environment, i.Version, i.Kind.ToString(), i.Severity.ToString(), i.Status, i.Summary, i.OpenedAt, i.AcknowledgedBy, i.ResolvedAt))],
                pdf,
                cancellationToken);
            return TypedResults.File(export.Zip, ZipContentType, export.FileName);
        }
        catch (PacketSigningUnavailableException unsigned)
        {
            return Problems.Problem(StatusCodes.Status503ServiceUnavailable, "Packets cannot be signed.", unsigned.Message);
        }
        catch (ReviewTooLargeException tooLarge)
        {
            return Problems.Problem(StatusCodes.Status413PayloadTooLarge, "The export would be too large.", tooLarge.Message);
        }
        catch (TransientDependencyException busy)
        {
            return Busy(busy);
        }
    }

    /// <summary>Key Vault throttling or a PDF render that ran out of time: nothing was issued, asking again may work.</summary>
    private static IResult Busy(TransientDependencyException busy) =>
        Problems.Problem(StatusCodes.Status503ServiceUnavailable, "Try again shortly.", $"The packet could not be issued now: {busy.Message}");

    /// <summary>A date (<c>2026-07-01</c>) or a time with an offset; a bare date is midnight UTC.</summary>
    private static DateTimeOffset? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors[field] = [$"'{field}' is required, e.g. {field}=2026-07-01."];
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        errors[field] = [$"'{field}' is not a date: '{text}'. Write 2026-07-01 or 2026-07-01T00:00:00Z."];
        return null;
    }

    private static bool Invalid(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return false;
    }
}
