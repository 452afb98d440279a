using System.Text.Json;

namespace MlopsFlows.Api.Http;

/// <summary>Reads typed fields from a JSON object, collecting one clear message per bad field (camelCase names as sent).</summary>
public sealed class FieldReader(JsonElement body)
{
    private readonly Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public IDictionary<string, string[]> Errors => errors;

    public void Fail(string field, string message) => errors[field] = [message];

    public string? Text(string field, bool required, int maxLength = 256)
    {
        if (!TryGet(field, out var value))
        {
            if (required)
            {
                Fail(field, $"'{field}' is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(field, $"'{field}' must be a string.");
            return null;
        }

        var text = value.GetString()!.Trim();
        if (required && text.Length == 0)
        {
            Fail(field, $"'{field}' must not be empty.");
            return null;
        }

        if (text.Length > maxLength)
        {
            Fail(field, $"'{field}' must be at most {maxLength} characters.");
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    public int? PositiveInt(string field, bool required)
    {
        if (!TryGet(field, out var value))
        {
            if (required)
            {
                Fail(field, $"'{field}' is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < 1)
        {
            Fail(field, $"'{field}' must be a positive whole number.");
            return null;
        }

        return number;
    }

    public IReadOnlyList<string> StringList(string field, int maxItems, int maxLength)
    {
        if (!TryGet(field, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Fail(field, $"'{field}' must be an array of strings.");
            return [];
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()) || item.GetString()!.Length > maxLength)
            {
                Fail(field, $"'{field}' must hold non-empty strings of at most {maxLength} characters.");
                return [];
            }

            items.Add(item.GetString()!);
        }

        if (items.Count > maxItems)
        {
            Fail(field, $"'{field}' must hold at most {maxItems} items.");
            return [];
        }

        return items;
    }

    // JSON null counts as absent: optional fields may be sent as null.
    private bool TryGet(string field, out JsonElement value) =>
        body.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;
}
