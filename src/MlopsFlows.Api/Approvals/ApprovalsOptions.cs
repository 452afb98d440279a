namespace MlopsFlows.Api.Approvals;

/// <summary>How approvers reach us. Bound from <c>MlopsFlows:Approvals</c>.</summary>
public sealed class ApprovalsOptions
{
    public const string SectionName = "MlopsFlows:Approvals";

    /// <summary>The switch of <see cref="TrustAppServicePrincipal"/>, kept with the other identity settings.</summary>
    public const string TrustAppServiceAuthenticationKey = "MlopsFlows:Identity:TrustAppServiceAuthentication";

    /// <summary>
    /// Whether the App Service authentication headers (<c>X-MS-CLIENT-PRINCIPAL</c>) name the caller. Only true where
    /// App Service authentication runs in front of the app and strips those headers from incoming requests; anywhere
    /// else anyone could send them. Default false. Key: <c>MlopsFlows:Identity:TrustAppServiceAuthentication</c>, the
    /// one switch token validation reads too.
    /// </summary>
    public bool TrustAppServicePrincipal { get; set; }

    /// <summary>
    /// The address approvers' clients reach us at, e.g. <c>https://mlopsflows.contoso.com</c>: links in mail and cards
    /// and the actionable-message action target. Default none (the request's own address is used on pages).
    /// Key: <c>MlopsFlows:Approvals:PublicBaseUrl</c>.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// The actionable-message provider id (the originator registered in the Actionable Email Developer Dashboard). Cards
    /// in mail and refresh cards carry it; Outlook shows no actions without it. Default none.
    /// Key: <c>MlopsFlows:Approvals:ActionableMessageOriginator</c>.
    /// </summary>
    public string? ActionableMessageOriginator { get; set; }
}
