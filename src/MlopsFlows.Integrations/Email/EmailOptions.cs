using System.ComponentModel.DataAnnotations;

namespace MlopsFlows.Integrations.Email;

/// <summary>
/// Approval mail through Microsoft Graph. Bound from <c>MlopsFlows:Email</c>; the channel is on when
/// <see cref="ServiceMailbox"/> is set. The public base URL and the actionable-message originator are shared with the
/// endpoints that receive the actions (<c>MlopsFlows:Approvals:PublicBaseUrl</c>, <c>…:ActionableMessageOriginator</c>).
/// </summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string SectionName = "MlopsFlows:Email";

    /// <summary>The scope of the app's client-credentials token for Graph (application permission Mail.Send).</summary>
    public const string GraphScope = "https://graph.microsoft.com/.default";

    /// <summary>The mailbox mail is sent from (its UPN or object id), e.g. <c>mlopsflows@contoso.com</c>. Default none: no mail. Key: <c>MlopsFlows:Email:ServiceMailbox</c>.</summary>
    public string? ServiceMailbox { get; set; }

    /// <summary>Microsoft Graph's base address. Default <c>https://graph.microsoft.com</c> (the fake's locally). Key: <c>MlopsFlows:Email:GraphBaseUrl</c>.</summary>
    public Uri GraphBaseUrl { get; set; } = new("https://graph.microsoft.com");

    /// <summary>Where approvers reach us: the action target and the web page link. From <c>MlopsFlows:Approvals:PublicBaseUrl</c>.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The actionable-message provider id. From <c>MlopsFlows:Approvals:ActionableMessageOriginator</c>.</summary>
    public string? Originator { get; set; }

    /// <summary>Timeout of one Graph call. Default 30 seconds. Key: <c>MlopsFlows:Email:RequestTimeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(ServiceMailbox);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (PublicBaseUrl is not { IsAbsoluteUri: true })
        {
            yield return new ValidationResult("MlopsFlows:Approvals:PublicBaseUrl must be an absolute URL when mail is sent: cards and links point there.", [nameof(PublicBaseUrl)]);
        }

        if (string.IsNullOrWhiteSpace(Originator))
        {
            yield return new ValidationResult("MlopsFlows:Approvals:ActionableMessageOriginator is required when mail is sent: Outlook shows no actions without it.", [nameof(Originator)]);
        }
    }
}
