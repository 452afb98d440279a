using System.Diagnostics;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Api;
using MlopsFlows.Api.Releases;
using MlopsFlows.Domain.Policies;
using MlopsFlows.Integrations;
using MlopsFlows.Integrations.Databricks;
using MlopsFlows.Integrations.Policies;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Testing;

namespace MlopsFlows.Functions.Tests.Infrastructure;

/// <summary>
/// infra/main.bicep and infra/main.bicepparam compiled by the pinned Bicep CLI (from its NuGet package), linter warnings
/// counted as failures, and the ARM JSON read for what the app needs in Azure: identity-only storage, the WORM evidence
/// container, the role assignments Durable Functions needs, and the settings the app binds at start-up.
/// </summary>
public class BicepTemplateTests
{
    private const string StorageAccountType = "Microsoft.Storage/storageAccounts";

    // Built-in role definitions, the same GUID in every tenant.
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultCryptoUser = "12338af0-0e69-4776-bea7-57ae8d297424";

    private static readonly Lazy<BicepResult> TemplateBuild = new(() => Bicep.Run("build", "main.bicep", "--stdout"));
    private static readonly Lazy<BicepResult> ParametersBuild = new(() => Bicep.Run("build-params", "main.bicepparam", "--stdout"));
    private static readonly Lazy<JsonElement> LazyTemplate = new(() => Parse(TemplateBuild.Value.Output));
    private static readonly Lazy<JsonElement> LazyParameters = new(() =>
        Parse(Parse(ParametersBuild.Value.Output).GetProperty("parametersJson").GetString()!).GetProperty("parameters"));

    private static JsonElement Template => LazyTemplate.Value;

    /// <summary>The example values of main.bicepparam, by parameter name.</summary>
    private static JsonElement ExampleParameters => LazyParameters.Value;

    [Fact]
    public void MainBicep_Build_SucceedsWithoutWarnings()
    {
        var build = TemplateBuild.Value;

        Assert.True(build.ExitCode == 0, $"bicep build failed ({build.ExitCode}):\n{build.Errors}");
        Assert.True(string.IsNullOrWhiteSpace(build.Errors), $"bicep build reported diagnostics:\n{build.Errors}");
        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", Template.GetProperty("$schema").GetString());
    }

    [Fact]
    public void MainBicepparam_BuildParams_SucceedsWithoutWarnings()
    {
        var build = ParametersBuild.Value;

        Assert.True(build.ExitCode == 0, $"bicep build-params failed ({build.ExitCode}):\n{build.Errors}");
        Assert.True(string.IsNullOrWhiteSpace(build.Errors), $"bicep build-params reported diagnostics:\n{build.Errors}");
        Assert.Equal(JsonValueKind.Object, ExampleParameters.ValueKind);
    }

    [Fact]
    public void MainBicepparam_DatabricksWorkspaceUrl_IsAnAbsoluteHttpsUrl()
    {
        var url = ExampleParameters.GetProperty("databricksWorkspaceUrl").GetProperty("value").GetString();

        Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var uri), $"'{url}' is not an absolute URL.");
        Assert.Equal(Uri.UriSchemeHttps, uri.Scheme);
    }

    [Fact]
    public void MainBicep_Parameters_AreDescribedAndConstrained()
    {
        var parameters = Template.GetProperty("parameters");

        Assert.All(parameters.EnumerateObject(), p =>
            Assert.False(string.IsNullOrWhiteSpace(At(p.Value, "metadata", "description")?.GetString()), $"parameter {p.Name} has no @description."));
        Assert.Equal(3, parameters.GetProperty("namePrefix").GetProperty("minLength").GetInt32());
        Assert.Equal(11, parameters.GetProperty("namePrefix").GetProperty("maxLength").GetInt32());
        Assert.False(parameters.GetProperty("databricksWorkspaceUrl").TryGetProperty("defaultValue", out _), "the workspace URL must be required.");
        Assert.Equal(2555, parameters.GetProperty("evidenceRetentionDays").GetProperty("defaultValue").GetInt32());
        Assert.Equal("[resourceGroup().location]", parameters.GetProperty("location").GetProperty("defaultValue").GetString());
    }

    [Fact]
    public void MainBicep_ActivePolicySet_DefaultsToTheShippedSet()
    {
        var active = Template.GetProperty("parameters").GetProperty("activePolicySet");

        Assert.Equal(new PolicyOptions().Active, active.GetProperty("defaultValue").GetString());
        Assert.Equal(new PolicyOptions().Active, PolicySamples.Default.Id);
    }

    [Fact]
    public void FunctionApp_Identity_IsSystemAssigned()
    {
        Assert.Equal("SystemAssigned", At(FunctionApp, "identity", "type")?.GetString());
    }

    [Fact]
    public void FunctionApp_Transport_IsHttpsOnlyWithTls12AndNoFtps()
    {
        var properties = FunctionApp.GetProperty("properties");
        var siteConfig = properties.GetProperty("siteConfig");

        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        Assert.Equal("1.2", siteConfig.GetProperty("scmMinTlsVersion").GetString());
        Assert.Equal("Disabled", siteConfig.GetProperty("ftpsState").GetString());
    }

    [Fact]
    public void FunctionApp_Hosting_IsFlexConsumptionOnTheAppsDotnetIsolatedVersion()
    {
        var plan = Assert.Single(OfType("Microsoft.Web/serverfarms"));
        var config = FunctionApp.GetProperty("properties").GetProperty("functionAppConfig");

        // The runtime version deployed is the one the Functions app is built for (net10.0 → "10.0").
        var framework = new FrameworkName(Assembly.Load(new AssemblyName("MlopsFlows.Functions")).GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
        Assert.Equal("FC1", At(plan, "sku", "name")?.GetString());
        Assert.Equal("FlexConsumption", At(plan, "sku", "tier")?.GetString());
        Assert.Equal("functionapp,linux", FunctionApp.GetProperty("kind").GetString());
        Assert.Equal("dotnet-isolated", At(config, "runtime", "name")?.GetString());
        Assert.Equal($"{framework.Version.Major}.{framework.Version.Minor}", At(config, "runtime", "version")?.GetString());
        Assert.Equal("SystemAssignedIdentity", At(config, "deployment", "storage", "authentication", "type")?.GetString());
    }

    [Fact]
    public void FunctionApp_AppSettings_ConnectToRuntimeStorageWithTheIdentity()
    {
        Assert.Equal(NameOf(RuntimeStorage), AppSettings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", AppSettings["AzureWebJobsStorage__credential"]);
        Assert.DoesNotContain("AzureWebJobsStorage", AppSettings.Keys);
    }

    [Theory]
    [InlineData(DatabricksOptions.SectionName, nameof(DatabricksOptions.WorkspaceUrl))]
    [InlineData(EvidenceStorageOptions.SectionName, nameof(EvidenceStorageOptions.BlobServiceUri))]
    [InlineData(EvidenceStorageOptions.SectionName, nameof(EvidenceStorageOptions.TableServiceUri))]
    [InlineData(PolicyOptions.SectionName, nameof(PolicyOptions.Active))]
    public void FunctionApp_AppSetting_IsPresentWithDoubleUnderscores(string section, string key)
    {
        var name = $"{section}:{key}".Replace(":", "__", StringComparison.Ordinal);

        Assert.Contains(name, AppSettings.Keys);
    }

    [Fact]
    public void FunctionApp_AppSettings_PointEvidenceAtTheEvidenceAccount()
    {
        var evidence = Unbracket(NameOf(EvidenceStorage));

        Assert.Contains(evidence, AppSettings["MlopsFlows__Evidence__BlobServiceUri"], StringComparison.Ordinal);
        Assert.EndsWith(".primaryEndpoints.blob]", AppSettings["MlopsFlows__Evidence__BlobServiceUri"], StringComparison.Ordinal);
        Assert.Contains(evidence, AppSettings["MlopsFlows__Evidence__TableServiceUri"], StringComparison.Ordinal);
        Assert.EndsWith(".primaryEndpoints.table]", AppSettings["MlopsFlows__Evidence__TableServiceUri"], StringComparison.Ordinal);
        Assert.Equal("[parameters('databricksWorkspaceUrl')]", AppSettings["MlopsFlows__Databricks__WorkspaceUrl"]);
        Assert.Equal("[parameters('activePolicySet')]", AppSettings["MlopsFlows__Policies__Active"]);
        Assert.Contains(".ConnectionString]", AppSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApp_AppSettings_LeaveTheRuntimeToFunctionAppConfig()
    {
        // Flex Consumption refuses these settings: the runtime comes from functionAppConfig.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", AppSettings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", AppSettings.Keys);
    }

    [Fact]
    public void FunctionApp_AppSettings_HoldNoSecrets()
    {
        Assert.DoesNotContain($"{EvidenceStorageOptions.SectionName}:{nameof(EvidenceStorageOptions.ConnectionString)}".Replace(":", "__", StringComparison.Ordinal), AppSettings.Keys);
        Assert.DoesNotContain($"{DatabricksOptions.SectionName}:{nameof(DatabricksOptions.Token)}".Replace(":", "__", StringComparison.Ordinal), AppSettings.Keys);
        Assert.All(AppSettings.Values, value =>
        {
            Assert.DoesNotContain("listKeys(", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey=", value, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void FunctionApp_AppSettings_PassTheAppsStartupValidation()
    {
        // The app's settings as Azure would hand them to the worker: parameters from main.bicepparam, the evidence
        // endpoints as the storage account reports them.
        var values = AppSettings
            .Where(s => s.Key.StartsWith("MlopsFlows__", StringComparison.Ordinal))
            .ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)Resolve(s.Value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddReleasesApi(configuration);
        services.AddMlopsFlowsIntegrations(configuration);
        services.AddPolicies(configuration);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        // .Value runs the validation ValidateOnStart runs when the host starts; no key, no token: identity all the way.
        var databricks = provider.GetRequiredService<IOptions<DatabricksOptions>>().Value;
        var evidence = provider.GetRequiredService<IOptions<EvidenceStorageOptions>>().Value;
        var policies = provider.GetRequiredService<PolicySet>();
        Assert.True(string.IsNullOrEmpty(databricks.Token));
        Assert.True(string.IsNullOrEmpty(evidence.ConnectionString));
        Assert.Equal(Uri.UriSchemeHttps, evidence.BlobServiceUri!.Scheme);
        Assert.Equal(Uri.UriSchemeHttps, evidence.TableServiceUri!.Scheme);
        Assert.Equal(PolicySamples.Default.ContentHash, policies.ContentHash);
    }

    [Fact]
    public void StorageAccounts_Count_IsRuntimeAndEvidence()
    {
        Assert.Equal(2, OfType(StorageAccountType).Count);
        Assert.NotEqual(NameOf(RuntimeStorage), NameOf(EvidenceStorage));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StorageAccount_Access_IsIdentityOnlyOverTls12(bool runtime)
    {
        var account = runtime ? RuntimeStorage : EvidenceStorage;
        var properties = account.GetProperty("properties");

        Assert.Equal("StorageV2", account.GetProperty("kind").GetString());
        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
    }

    [Fact]
    public void EvidenceBlobService_Versioning_IsOnWithDeleteRetention()
    {
        var blobService = Assert.Single(OfType($"{StorageAccountType}/blobServices"), b => NameOf(b).Contains(Unbracket(NameOf(EvidenceStorage)), StringComparison.Ordinal));
        var properties = blobService.GetProperty("properties");

        Assert.True(properties.GetProperty("isVersioningEnabled").GetBoolean());
        Assert.True(At(properties, "deleteRetentionPolicy", "enabled")?.GetBoolean());
        Assert.InRange(At(properties, "deleteRetentionPolicy", "days")!.Value.GetInt32(), 7, 365);
        Assert.True(At(properties, "containerDeleteRetentionPolicy", "enabled")?.GetBoolean());
        Assert.InRange(At(properties, "containerDeleteRetentionPolicy", "days")!.Value.GetInt32(), 7, 365);
    }

    [Fact]
    public void EvidenceContainer_ImmutabilityPolicy_KeepsBlobsForEvidenceRetentionDays()
    {
        var policy = Assert.Single(OfType($"{StorageAccountType}/blobServices/containers/immutabilityPolicies"));
        var properties = policy.GetProperty("properties");

        Assert.Contains(Unbracket(NameOf(EvidenceStorage)), NameOf(policy), StringComparison.Ordinal);
        Assert.Equal(new EvidenceStorageOptions().ContainerName, LastNameSegment(policy, skip: 1));
        Assert.Equal("[parameters('evidenceRetentionDays')]", properties.GetProperty("immutabilityPeriodSinceCreationInDays").GetString());
        Assert.False(properties.GetProperty("allowProtectedAppendWrites").GetBoolean());
    }

    [Fact]
    public void EvidenceLifecycle_OneRulePerTier_DeletesStampedBlobsAfterTheirRetention()
    {
        var policy = Assert.Single(OfType($"{StorageAccountType}/managementPolicies"));
        var loop = Assert.Single(At(policy, "properties", "policy", "copy")!.Value.EnumerateArray());
        var rule = loop.GetProperty("input");
        var tiers = Template.GetProperty("parameters").GetProperty("retentionDaysByTier").GetProperty("defaultValue");

        // One rule per tier of retentionDaysByTier, whose default names the three tiers of a policy set.
        Assert.Equal("rules", loop.GetProperty("name").GetString());
        Assert.Equal("[length(items(parameters('retentionDaysByTier')))]", loop.GetProperty("count").GetString());
        Assert.Equal(["high", "low", "medium"], tiers.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("[format('{0}/sha256/', variables('evidenceContainerName'))]", At(rule, "definition", "filters", "prefixMatch")!.Value[0].GetString());
        var match = Assert.Single(At(rule, "definition", "filters", "blobIndexMatch")!.Value.EnumerateArray());
        Assert.Equal(RetentionStamp.TierTag, match.GetProperty("name").GetString());
        Assert.Equal("==", match.GetProperty("op").GetString());
        Assert.Equal("[items(parameters('retentionDaysByTier'))[copyIndex('rules')].key]", match.GetProperty("value").GetString());
        foreach (var target in new[] { "baseBlob", "version" })
        {
            Assert.Equal(
                "[add(items(parameters('retentionDaysByTier'))[copyIndex('rules')].value, parameters('retentionGraceDays'))]",
                At(rule, "definition", "actions", target, "delete", "daysAfterCreationGreaterThan")?.GetString());
        }
    }

    [Fact]
    public void PacketSigningKey_IsAnEcP256KeyTheAppSignsWith()
    {
        var key = Assert.Single(OfType("Microsoft.KeyVault/vaults/keys"));

        Assert.Equal("EC", At(key, "properties", "kty")?.GetString());
        Assert.Equal("P-256", At(key, "properties", "curveName")?.GetString());
        Assert.Contains("sign", At(key, "properties", "keyOps")!.Value.EnumerateArray().Select(o => o.GetString()));
        Assert.Contains("packet-signing", AppSettings["MlopsFlows__Packets__Signing__KeyVaultKeyId"], StringComparison.Ordinal);
        Assert.Contains("keyUri", AppSettings["MlopsFlows__Packets__Signing__KeyVaultKeyId"], StringComparison.Ordinal);
    }

    [Fact]
    public void EvidenceStorage_ContainerAndTable_AreTheAppsDefaults()
    {
        var evidence = Unbracket(NameOf(EvidenceStorage));
        var defaults = new EvidenceStorageOptions();

        var container = Assert.Single(OfType($"{StorageAccountType}/blobServices/containers"), c => NameOf(c).Contains(evidence, StringComparison.Ordinal));
        var table = Assert.Single(OfType($"{StorageAccountType}/tableServices/tables"), t => NameOf(t).Contains(evidence, StringComparison.Ordinal));
        Assert.Equal(defaults.ContainerName, LastNameSegment(container));
        Assert.Equal("None", At(container, "properties", "publicAccess")?.GetString());
        Assert.Equal(defaults.TableName, LastNameSegment(table));
    }

    [Fact]
    public void RoleAssignments_AppIdentity_GetsTheFiveStorageDataRolesReadsKeyVaultSecretsAndSignsWithItsKey()
    {
        var runtime = Unbracket(NameOf(RuntimeStorage));
        var evidence = Unbracket(NameOf(EvidenceStorage));
        string[] expected =
        [
            $"runtime {StorageBlobDataOwner}",
            $"runtime {StorageQueueDataContributor}",
            $"runtime {StorageTableDataContributor}",
            $"evidence {StorageBlobDataOwner}",
            $"evidence {StorageTableDataContributor}",
            $"vault {KeyVaultSecretsUser}",
            $"vault {KeyVaultCryptoUser}",
        ];

        var granted = RoleAssignments().Select(a =>
        {
            var account = a.Scope.Contains(runtime, StringComparison.Ordinal) ? "runtime"
                : a.Scope.Contains(evidence, StringComparison.Ordinal) ? "evidence"
                : a.Scope.Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal) ? "vault"
                : a.Scope;
            return $"{account} {a.RoleId}";
        });

        Assert.Equal(expected.Order(StringComparer.Ordinal), granted.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RoleAssignments_Principal_IsTheFunctionAppsIdentityWithStableNames()
    {
        var app = Unbracket(NameOf(FunctionApp));
        var assignments = OfType("Microsoft.Authorization/roleAssignments");

        Assert.NotEmpty(assignments);
        Assert.All(assignments, a =>
        {
            var principal = At(a, "properties", "principalId")!.Value.GetString()!;
            Assert.Contains(app, principal, StringComparison.Ordinal);
            Assert.EndsWith(".identity.principalId]", principal, StringComparison.Ordinal);
            Assert.Equal("ServicePrincipal", At(a, "properties", "principalType")?.GetString());
            Assert.StartsWith("[guid(", NameOf(a), StringComparison.Ordinal);
            Assert.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ", At(a, "properties", "roleDefinitionId")?.GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void FunctionApp_AppSettings_TrustTheTenantForTheApiAudience()
    {
        Assert.Equal("[parameters('tenantId')]", AppSettings["MlopsFlows__Identity__TenantId"]);
        Assert.Equal("[parameters('apiAudience')]", AppSettings["MlopsFlows__Identity__Api__Audiences__0"]);
        Assert.Equal("[parameters('teamsBotAppId')]", AppSettings["MlopsFlows__Teams__BotAppId"]);
        Assert.Equal("[parameters('serviceMailbox')]", AppSettings["MlopsFlows__Email__ServiceMailbox"]);
        Assert.StartsWith("[format('https://{0}.azurewebsites.net'", AppSettings["MlopsFlows__Approvals__PublicBaseUrl"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MlopsFlows__Webhooks__Databricks__Secret", "databricks-webhook-secret")]
    [InlineData("MlopsFlows__Teams__ClientCredentials__ClientSecret", "teams-bot-secret")]
    public void FunctionApp_Secrets_AreKeyVaultReferencesNeverValues(string setting, string secretName)
    {
        var value = AppSettings[setting];

        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1})'", value, StringComparison.Ordinal);
        Assert.Contains(secretName, Template.GetProperty("variables").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyVault_Access_IsRbacWithPurgeProtection()
    {
        var vault = Assert.Single(OfType("Microsoft.KeyVault/vaults"));

        Assert.True(At(vault, "properties", "enableRbacAuthorization")?.GetBoolean());
        Assert.True(At(vault, "properties", "enablePurgeProtection")?.GetBoolean());
    }

    [Fact]
    public void EvidenceContainer_VersionLevelImmutability_IsEnabledForPerReleaseLocks()
    {
        var evidence = Unbracket(NameOf(EvidenceStorage));
        var container = Assert.Single(OfType($"{StorageAccountType}/blobServices/containers"), c => NameOf(c).Contains(evidence, StringComparison.Ordinal));

        Assert.True(At(container, "properties", "immutableStorageWithVersioning", "enabled")?.GetBoolean());
    }

    [Fact]
    public void MainBicep_Outputs_NameTheAppItsHostAndTheEvidenceAccount()
    {
        var outputs = Template.GetProperty("outputs");

        Assert.Equal(NameOf(FunctionApp), At(outputs, "functionAppName", "value")?.GetString());
        Assert.EndsWith(".defaultHostName]", At(outputs, "defaultHostName", "value")?.GetString(), StringComparison.Ordinal);
        Assert.Equal(NameOf(EvidenceStorage), At(outputs, "evidenceStorageAccountName", "value")?.GetString());
    }

    private static JsonElement FunctionApp => Assert.Single(OfType("Microsoft.Web/sites"));

    /// <summary>The account the Functions host and the Durable task hub use: the one AzureWebJobsStorage names.</summary>
    private static JsonElement RuntimeStorage =>
        Assert.Single(OfType(StorageAccountType), a => NameOf(a) == AppSettings["AzureWebJobsStorage__accountName"]);

    /// <summary>The other account: evidence.</summary>
    private static JsonElement EvidenceStorage =>
        Assert.Single(OfType(StorageAccountType), a => NameOf(a) != AppSettings["AzureWebJobsStorage__accountName"]);

    private static Dictionary<string, string> AppSettings =>
        FunctionApp.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!, StringComparer.Ordinal);

    private static List<JsonElement> OfType(string type) =>
        [.. Resources().Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase))];

    /// <summary>The template's resources, whether Bicep wrote them as an array or (language version 2) by symbolic name.</summary>
    private static IEnumerable<JsonElement> Resources()
    {
        var resources = Template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray() : resources.EnumerateObject().Select(p => p.Value);
    }

    /// <summary>Every role assignment, copy loops expanded: the scope expression and the role definition GUID.</summary>
    private static IEnumerable<(string Scope, string RoleId)> RoleAssignments()
    {
        foreach (var assignment in OfType("Microsoft.Authorization/roleAssignments"))
        {
            var scope = assignment.GetProperty("scope").GetString()!;
            if (assignment.TryGetProperty("copy", out var copy))
            {
                // for role in <variable>: count is [length(variables('<variable>'))], each item an object with its id.
                var count = copy.GetProperty("count").GetString()!;
                var match = Regex.Match(count, @"^\[length\(variables\('(?<name>\w+)'\)\)\]$");
                Assert.True(match.Success, $"unexpected copy count '{count}'.");
                foreach (var role in Template.GetProperty("variables").GetProperty(match.Groups["name"].Value).EnumerateArray())
                {
                    yield return (scope, role.GetProperty("id").GetString()!);
                }
            }
            else
            {
                var id = Regex.Match(At(assignment, "properties", "roleDefinitionId")!.Value.GetString()!, "[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
                Assert.True(id.Success, "a role assignment outside a loop names its role definition GUID literally.");
                yield return (scope, id.Value);
            }
        }
    }

    /// <summary>
    /// The last segment of a child resource's name (container, table), after <paramref name="skip"/> segments from the
    /// end: a literal, or a template variable resolved to its value.
    /// </summary>
    private static string LastNameSegment(JsonElement resource, int skip = 0)
    {
        var name = NameOf(resource);
        if (!name.StartsWith('['))
        {
            return name.Split('/')[^(skip + 1)];
        }

        // [format('{0}/{1}/{2}', variables('account'), 'default', variables('container'))]: the arguments after the format.
        var arguments = Regex.Matches(name, @"variables\('(?<variable>\w+)'\)|'(?<literal>[^']*)'").Skip(1).ToArray();
        var argument = arguments[^(skip + 1)];
        return argument.Groups["variable"].Success
            ? Template.GetProperty("variables").GetProperty(argument.Groups["variable"].Value).GetString()!
            : argument.Groups["literal"].Value;
    }

    /// <summary>
    /// An app setting's value as the worker would see it in Azure: parameters from main.bicepparam (or their defaults),
    /// the evidence endpoints as a storage account reports them, literals as they are.
    /// </summary>
    private static string Resolve(string value)
    {
        var parameter = Regex.Match(value, @"^\[parameters\('(?<name>\w+)'\)\]$");
        if (parameter.Success)
        {
            var name = parameter.Groups["name"].Value;
            return ExampleParameters.TryGetProperty(name, out var example)
                ? example.GetProperty("value").ToString()
                : Resolve(Template.GetProperty("parameters").GetProperty(name).GetProperty("defaultValue").ToString());
        }

        // What Azure puts in place of the template's functions, for the example deployment.
        (string Start, string Example)[] functions =
        [
            ("[tenant().tenantId]", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            ("[format('https://{0}.azurewebsites.net'", "https://func-mlopsdev-example.azurewebsites.net"),
            ("[format('@Microsoft.KeyVault(", "@Microsoft.KeyVault(VaultName=kv-mlopsdev-example;SecretName=example)"),
            ("[format('{0}{1}/oauth2/v2.0/token'", "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"),
        ];
        if (functions.FirstOrDefault(f => value.StartsWith(f.Start, StringComparison.Ordinal)) is { Example: { } resolved })
        {
            return resolved;
        }

        if (value.EndsWith(".primaryEndpoints.blob]", StringComparison.Ordinal))
        {
            return "https://mlopsdevevd.blob.core.windows.net/";
        }

        if (value.EndsWith(".primaryEndpoints.table]", StringComparison.Ordinal))
        {
            return "https://mlopsdevevd.table.core.windows.net/";
        }

        if (value.EndsWith(".keyUri]", StringComparison.Ordinal))
        {
            return "https://kv-mlopsdev-example.vault.azure.net/keys/packet-signing";
        }

        Assert.False(value.StartsWith('['), $"no example value for the expression {value}: teach Resolve about it.");
        return value;
    }

    private static string NameOf(JsonElement resource) => resource.GetProperty("name").GetString()!;

    /// <summary>"[variables('x')]" → "variables('x')", to find one expression inside another.</summary>
    private static string Unbracket(string expression) =>
        expression.StartsWith('[') && expression.EndsWith(']') ? expression[1..^1] : expression;

    private static JsonElement? At(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element;
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private sealed record BicepResult(int ExitCode, string Output, string Errors);

    /// <summary>The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64), run in infra/.</summary>
    private static class Bicep
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

        public static BicepResult Run(params string[] arguments)
        {
            var start = new ProcessStartInfo(Executable())
            {
                WorkingDirectory = InfraDirectory(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
            }

            return new BicepResult(process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
        }

        private static string Executable()
        {
            // Set at build time from the package's restore path (see the test project).
            var path = typeof(BicepTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "BicepExecutable")?.Value ?? string.Empty;
            Assert.True(File.Exists(path), $"The Bicep CLI is not at '{path}': restore the test project (Azure.Bicep.CommandLine.linux-x64).");
            if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
            }

            return path;
        }

        private static string InfraDirectory()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                var infra = Path.Combine(directory.FullName, "infra");
                if (File.Exists(Path.Combine(infra, "main.bicep")))
                {
                    return infra;
                }
            }

            Assert.Fail($"No infra/main.bicep above {AppContext.BaseDirectory}.");
            return string.Empty;
        }
    }
}
