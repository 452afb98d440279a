using System.Globalization;
using System.Text.Json;
using MlopsFlows.Api.Http;
using MlopsFlows.Domain.Monitoring;
using MlopsFlows.Domain.Releases;

namespace MlopsFlows.Api.Incidents;

/// <summary>A validated acknowledgement, or resolution: who, and an optional note.</summary>
public sealed record IncidentNoteRequest(string By, string? Note);

/// <summary>A validated runbook action; the rationale is mandatory (it changes production).</summary>
public sealed record IncidentActionRequest(RemediationAction Action, string By, string Rationale);

/// <summary>A validated suppression: until when (absolute, already checked to lie ahead), who and why.</summary>
public sealed record IncidentSuppressRequest(DateTimeOffset Until, string By, string Rationale);

/// <summary>A validated request to stop a monitor: who and why (the monitor's chain records both).</summary>
public sealed record MonitorStopRequest(string By, string Reason);

/// <summary>Which incidents or monitors a list asks for.</summary>
/// <param name="ActiveOnly">Open incidents (or running monitors) only; false lists every one kept.</param>
/// <param name="Model">Only this model's, when set.</param>
public sealed record ListFilter(bool ActiveOnly, string? Model, int Top);

/// <summary>Turns incident and monitor request bodies and queries into validated requests, naming every bad field.</summary>
public static class IncidentRequests
{
    /// <summary>The longest suppression: 30 days. Longer silences belong in the policy, not in an incident.</summary>
    public static readonly TimeSpan MaxSuppression = TimeSpan.FromDays(30);

    public static (IncidentNoteRequest? Request, IDictionary<string, string[]> Errors) ParseNote(JsonElement body)
    {
        var fields = new FieldReader(body);
        var by = fields.Text("by", required: true, maxLength: 256);
        var note = fields.Text("note", required: false, maxLength: 4000);
        return fields.IsValid ? (new IncidentNoteRequest(by!, note), fields.Errors) : (null, fields.Errors);
    }

    public static (IncidentActionRequest? Request, IDictionary<string, string[]> Errors) ParseAction(JsonElement body)
    {
        var fields = new FieldReader(body);
        var text = fields.Text("action", required: true, maxLength: 16)?.ToLowerInvariant();
        RemediationAction? action = text switch
        {
            "rollback" => RemediationAction.Rollback,
            "retrain" => RemediationAction.Retrain,
            _ => null,
        };
        if (text is not null && action is null)
        {
            fields.Fail("action", "'action' must be 'rollback' or 'retrain'.");
        }

        var by = fields.Text("by", required: true, maxLength: 256);
        var rationale = RequiredRationale(fields, "rationale", "every action on production says why");
        return fields.IsValid ? (new IncidentActionRequest(action!.Value, by!, rationale!), fields.Errors) : (null, fields.Errors);
    }

    /// <summary>
    /// Either <c>until</c> (ISO 8601; without an offset it is read as UTC) or <c>minutes</c> from <paramref name="now"/>,
    /// not both; the end must lie ahead and within <see cref="MaxSuppression"/>.
    /// </summary>
    public static (IncidentSuppressRequest? Request, IDictionary<string, string[]> Errors) ParseSuppress(JsonElement body, DateTimeOffset now)
    {
        var fields = new FieldReader(body);
        var untilText = fields.Text("until", required: false, maxLength: 64);
        var minutes = fields.PositiveInt("minutes", required: false);
        DateTimeOffset? until = null;
        if (untilText is not null && minutes is not null)
        {
            fields.Fail("until", "Send either 'until' or 'minutes', not both.");
        }
        else if (untilText is not null)
        {
            if (DateTimeOffset.TryParse(untilText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                until = parsed;
            }
            else
            {
                fields.Fail("until", "'until' must be an ISO 8601 time, e.g. 2026-03-14T18:00:00Z.");
            }
        }
        else if (minutes is not null)
        {
            until = now.AddMinutes(Math.Min(minutes.Value, MaxSuppression.TotalMinutes + 1));
        }
        else if (fields.IsValid)
        {
            fields.Fail("minutes", "Say how long: 'minutes' (a positive whole number) or 'until' (an ISO 8601 time).");
        }

        if (until is { } end && (end <= now || end - now > MaxSuppression))
        {
            fields.Fail(untilText is null ? "minutes" : "until", $"A suppression must end in the future and within {MaxSuppression.TotalDays:0} days.");
        }

        var by = fields.Text("by", required: true, maxLength: 256);
        var rationale = RequiredRationale(fields, "rationale", "a suppression holds escalation and the automatic action, so it says why");
        return fields.IsValid ? (new IncidentSuppressRequest(until!.Value, by!, rationale!), fields.Errors) : (null, fields.Errors);
    }

    public static (MonitorStopRequest? Request, IDictionary<string, string[]> Errors) ParseMonitorStop(JsonElement body)
    {
        var fields = new FieldReader(body);
        var by = fields.Text("by", required: true, maxLength: 256);
        var reason = RequiredRationale(fields, "reason", "a stopped monitor watches nothing, so its chain records why");
        return fields.IsValid ? (new MonitorStopRequest(by!, reason!), fields.Errors) : (null, fields.Errors);
    }

    /// <summary>
    /// <c>status</c> (<paramref name="activeWord"/> or <c>all</c>; default <paramref name="activeWord"/>), <c>model</c>
    /// (a Unity Catalog name) and <c>top</c> (1 to 500, default 100).
    /// </summary>
    public static (ListFilter? Filter, IDictionary<string, string[]> Errors) ParseList(string? status, string? model, string? top, string activeWord)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var normalisedStatus = status?.Trim().ToLowerInvariant();
        if (normalisedStatus is not (null or "" or "all") && normalisedStatus != activeWord)
        {
            errors["status"] = [$"'status' must be '{activeWord}' or 'all'."];
        }

        var normalisedModel = string.IsNullOrWhiteSpace(model) ? null : model.Trim().ToLowerInvariant();
        if (normalisedModel is not null && !ReleaseKey.IsModelName(normalisedModel))
        {
            errors["model"] = ["'model' must be a Unity Catalog three-part name, catalog.schema.model."];
        }

        var count = 100;
        if (!string.IsNullOrWhiteSpace(top) && (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 500))
        {
            errors["top"] = ["'top' must be a whole number from 1 to 500."];
        }

        return errors.Count == 0 ? (new ListFilter(normalisedStatus != "all", normalisedModel, count), errors) : (null, errors);
    }

    private static string? RequiredRationale(FieldReader fields, string field, string why)
    {
        var text = fields.Text(field, required: false, maxLength: 4000);
        if (text is null && !fields.Errors.ContainsKey(field))
        {
            fields.Fail(field, $"'{field}' is required: {why}.");
        }

        return text;
    }
}
