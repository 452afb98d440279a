using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsFlows.Domain.Gates;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Datasets;

/// <summary>
/// Evaluation data in files under <see cref="EvaluationDataOptions.Root"/> (a local or mounted folder), read with the
/// column readers of this folder: CSV, Parquet or Arrow IPC, chosen by extension (see <see cref="ColumnSources"/>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Where.</b> <see cref="EvaluationSetRef.Uri"/> is a path or a <c>file:</c> URI (<c>eval/credit.parquet</c>,
/// <c>file:eval/credit.parquet</c>, <c>file:///mnt/data/eval/credit.parquet</c>), relative paths resolved against the
/// root; a path that resolves outside the root (<c>../</c>, another absolute path) is refused, and other schemes
/// (<c>dbfs:</c>, <c>abfss:</c>) are not supported. Symbolic links inside the root are followed: what the root holds is
/// the operator's choice, and the check guards against paths supplied with a release.
/// </para>
/// <para>
/// <b>Which version.</b> A <see cref="EvaluationSetRef.Version"/> of the form <c>sha256:&lt;hex&gt;</c> must match the
/// file's content, so metrics computed on other data are caught; any other version is recorded, not checked (files
/// have no versions of their own).
/// </para>
/// <para>
/// <b>Declared schema.</b> Beside the data, <c>&lt;file&gt;.schema.json</c> (e.g. <c>credit.parquet.schema.json</c>)
/// holds a JSON array of <see cref="DeclaredColumn"/> in camelCase:
/// <code>
/// [
///   { "name": "income", "kind": "numeric", "nullable": false, "min": 0, "max": 1000000 },
///   { "name": "region", "kind": "categorical", "allowedCategories": ["north", "south"], "maxNullRate": 0.05 }
/// ]
/// </code>
/// <c>name</c> and <c>kind</c> (<c>numeric</c> or <c>categorical</c>) are required; the others may be left out
/// (<c>nullable</c> then true, no range, any category, the policy's null-rate limit). No file means the set declares
/// no schema.
/// </para>
/// <para>
/// <b>Columns.</b> A column is read as its declared kind, or as numeric when undeclared; if it does not read as that
/// kind (text in a numeric column) it is read as the other, so a schema mismatch reaches the data-quality gate instead
/// of failing the read. Columns are row-aligned: a null is NaN in a numeric column, null in a categorical one. Every
/// requested column is held in memory.
/// </para>
/// </remarks>
public sealed class FileEvaluationData(IOptions<EvaluationDataOptions> options, ILogger<FileEvaluationData> logger) : IEvaluationData
{
    public const string SchemaSuffix = ".schema.json";

    private const string VersionHashPrefix = "sha256:";

    private static readonly JsonSerializerOptions SchemaJson = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public async Task<DatasetSchema?> ReadDeclaredSchemaAsync(EvaluationSetRef dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        var schemaPath = Resolve(dataSet) + SchemaSuffix;
        if (!File.Exists(schemaPath))
        {
            return null;
        }

        List<DeclaredColumn>? columns;
        var stream = File.OpenRead(schemaPath);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                columns = await JsonSerializer.DeserializeAsync<List<DeclaredColumn>>(stream, SchemaJson, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"'{schemaPath}' is not a JSON array of declared columns: {ex.Message}", ex);
            }
        }

        if (columns is null)
        {
            throw new FormatException($"'{schemaPath}' is not a JSON array of declared columns: it is null.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            var problem = string.IsNullOrWhiteSpace(column.Name) ? "a column has no name"
                : !names.Add(column.Name) ? $"column '{column.Name}' is declared twice"
                : !Enum.IsDefined(column.Kind) ? $"column '{column.Name}' has no known kind"
                : null;
            if (problem is not null)
            {
                throw new FormatException($"'{schemaPath}': {problem}.");
            }
        }

        return new DatasetSchema(columns);
    }

    public async Task<EvaluationColumns> ReadColumnsAsync(EvaluationSetRef dataSet, IReadOnlyList<string>? columns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        var path = Resolve(dataSet);
        if (!File.Exists(path))
        {
            throw new DependencyNotFoundException($"Evaluation set '{dataSet.Uri}' does not exist (looked for '{path}').");
        }

        await VerifyVersionAsync(path, dataSet, cancellationToken).ConfigureAwait(false);
        var source = ColumnSources.Open(path);
        var available = await source.GetColumnNamesAsync(cancellationToken).ConfigureAwait(false);
        var missing = (columns ?? []).Where(c => !available.Contains(c, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
        {
            throw new DependencyNotFoundException(
                $"Evaluation set '{dataSet.Uri}' has no column {string.Join(", ", missing.Select(c => $"'{c}'"))}; its columns are: {string.Join(", ", available)}.");
        }

        var declared = ((await ReadDeclaredSchemaAsync(dataSet, cancellationToken).ConfigureAwait(false))?.Columns ?? [])
            .ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
        var numeric = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var categorical = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        long? rows = null;
        foreach (var column in (columns ?? available).Distinct(StringComparer.Ordinal))
        {
            var kind = declared.GetValueOrDefault(column, ColumnKind.Numeric);
            var length = await ReadColumnAsync(source, column, kind, numeric, categorical, cancellationToken).ConfigureAwait(false);
            if (rows is { } expected && expected != length)
            {
                throw new FormatException($"'{path}': column '{column}' has {length} rows, others {expected}.");
            }

            rows = length;
        }

        rows ??= available.Count == 0 ? 0 : await CountRowsAsync(source, available[0], cancellationToken).ConfigureAwait(false);
        Log.EvaluationColumnsRead(logger, path, numeric.Count + categorical.Count, rows.Value);
        return new EvaluationColumns(rows.Value, numeric, categorical);
    }

    /// <summary>The full path of the set's file, refused when it lies outside the root.</summary>
    internal string Resolve(EvaluationSetRef evaluationSet)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(evaluationSet.Uri, nameof(evaluationSet));
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.Root)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, LocalPath(evaluationSet.Uri.Trim())));
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return full.StartsWith(root, comparison)
            ? full
            : throw new ArgumentException($"Evaluation set '{evaluationSet.Uri}' lies outside the evaluation data root '{root}'.", nameof(evaluationSet));
    }

    /// <summary>The path a URI names: <c>file:</c> URIs unescaped (an authority other than localhost is read as the first folder), other schemes refused.</summary>
    private static string LocalPath(string uri)
    {
        if (uri.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var rest = uri["file:".Length..];
            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                rest = rest[2..];
                if (rest.StartsWith("localhost/", StringComparison.OrdinalIgnoreCase))
                {
                    rest = rest["localhost".Length..];
                }
            }

            return Uri.UnescapeDataString(rest);
        }

        // On Unix "/data/x.csv" parses as an absolute file URI; only another scheme is refused.
        return Uri.TryCreate(uri, UriKind.Absolute, out var other) && !other.IsFile
            ? throw new NotSupportedException($"Evaluation set '{uri}': only file paths and file: URIs are supported, not '{other.Scheme}:'.")
            : uri;
    }

    private static async Task VerifyVersionAsync(string path, EvaluationSetRef evaluationSet, CancellationToken cancellationToken)
    {
        if (evaluationSet.Version is not { } version || !version.StartsWith(VersionHashPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            var expected = version[VersionHashPrefix.Length..].Trim();
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"Evaluation set '{evaluationSet.Uri}' is not version {version}: its content hashes to {VersionHashPrefix}{actual}.");
            }
        }
    }

    /// <summary>Reads the column as <paramref name="kind"/>, or as the other kind when it does not read as that one; returns its row count.</summary>
    private async Task<long> ReadColumnAsync(
        IColumnSource source,
        string column,
        ColumnKind kind,
        Dictionary<string, double[]> numeric,
        Dictionary<string, string?[]> categorical,
        CancellationToken cancellationToken)
    {
        var preferNumeric = kind != ColumnKind.Categorical;
        try
        {
            return preferNumeric
                ? await ReadNumericAsync(source, column, numeric, cancellationToken).ConfigureAwait(false)
                : await ReadCategoricalAsync(source, column, categorical, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            Log.ColumnKindDiffers(logger, source.Path, column, kind, preferNumeric ? ColumnKind.Categorical : ColumnKind.Numeric);
            return preferNumeric
                ? await ReadCategoricalAsync(source, column, categorical, cancellationToken).ConfigureAwait(false)
                : await ReadNumericAsync(source, column, numeric, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<long> ReadNumericAsync(IColumnSource source, string column, Dictionary<string, double[]> into, CancellationToken cancellationToken)
    {
        var values = new List<double>();
        await foreach (var chunk in source.ReadNumericRowsAsync(column, cancellationToken).ConfigureAwait(false))
        {
            values.AddRange(chunk.Span);
        }

        into[column] = [.. values];
        return values.Count;
    }

    private static async Task<long> ReadCategoricalAsync(IColumnSource source, string column, Dictionary<string, string?[]> into, CancellationToken cancellationToken)
    {
        var values = new List<string?>();
        await foreach (var chunk in source.ReadCategoricalRowsAsync(column, cancellationToken).ConfigureAwait(false))
        {
            values.AddRange(chunk.Span);
        }

        into[column] = [.. values];
        return values.Count;
    }

    private async Task<long> CountRowsAsync(IColumnSource source, string column, CancellationToken cancellationToken) =>
        await ReadColumnAsync(source, column, ColumnKind.Categorical, [], [], cancellationToken).ConfigureAwait(false);
}
