using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace MlopsFlows.Domain.Policies;

/// <summary>One problem in a policy file, where it is and why; prints as <c>file:line:column: reason</c>.</summary>
/// <param name="Line">1-based.</param>
/// <param name="Column">1-based.</param>
public sealed record PolicyError(string File, int Line, int Column, string Reason)
{
    public override string ToString() => FormattableString.Invariant($"{File}:{Line}:{Column}: {Reason}");
}

/// <summary>A loaded policy set, or every error found in the file (never both).</summary>
public sealed class PolicyLoadResult
{
    private readonly PolicySource source;

    internal PolicyLoadResult(PolicySet? policySet, IReadOnlyList<PolicyError> errors, PolicySource source)
    {
        PolicySet = policySet;
        Errors = errors;
        this.source = source;
    }

    /// <summary>The set, when the file has no error.</summary>
    public PolicySet? PolicySet { get; }

    /// <summary>Errors ordered by line and column; empty when <see cref="PolicySet"/> is set.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    [MemberNotNullWhen(true, nameof(PolicySet))]
    public bool IsValid => PolicySet is not null;

    /// <summary>An error placed at a key of the file, for checks across files (e.g. a duplicate id): <c>ErrorAt("/id", …)</c>.</summary>
    /// <param name="keyPointer">JSON pointer of the key, e.g. <c>/tiers/high</c>; the start of the file if absent.</param>
    public PolicyError ErrorAt(string keyPointer, string reason) => source.ErrorAt(keyPointer, reason);
}

/// <summary>
/// Reads policy files: YAML text in, a <see cref="PolicySet"/> or errors with file, line and column out. Pure: the caller
/// reads the file. YAML syntax is checked first (nothing else can run on a broken file); then the JSON schema
/// (policies/policy.schema.json, embedded) and the rules a schema cannot express, whose errors are reported together.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Parses and validates one policy file.</summary>
    /// <param name="fileName">Only used in errors, e.g. <c>policies/default.yaml</c>.</param>
    public static PolicyLoadResult Parse(string fileName, string text)
    {
        var source = PolicySource.Read(fileName, text);
        if (source.Root is null || source.Errors.Count > 0)
        {
            return Failed(source);
        }

        PolicySchema.Validate(source);
        PolicyRules.Check(source);
        if (source.Errors.Count > 0)
        {
            return Failed(source);
        }

        var set = PolicyBinder.Bind(source.Root, ContentHash(text));
        return new PolicyLoadResult(set, [], source);
    }

    /// <summary>SHA-256 (lower-case hex) of the text with CRLF normalised to LF, so a checkout on any OS hashes the same.</summary>
    public static string ContentHash(string text)
    {
        var normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }

    private static PolicyLoadResult Failed(PolicySource source)
    {
        var errors = source.Errors
            .Distinct()
            .OrderBy(e => e.Line)
            .ThenBy(e => e.Column)
            .ToList();
        return new PolicyLoadResult(null, errors, source);
    }
}
