using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.DevServices.Graph;
using MlopsFlows.DevServices.Identity;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Graph;
using MlopsFlows.Integrations.Identity;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Graph;

/// <summary>Contract tests of the Graph directory against the fake Graph, signed in at the development issuer.</summary>
public sealed class GraphApproverDirectoryTests : IAsyncLifetime
{
    private const string Ada = "6f1c0000-0000-0000-0000-000000000001";
    private const string Grace = "0b2e0000-0000-0000-0000-000000000002";
    private const string Linus = "9d3f0000-0000-0000-0000-000000000003";
    private const string ValidationGroup = "aaaa0000-0000-0000-0000-00000000000a";
    private const string RiskGroup = "bbbb0000-0000-0000-0000-00000000000b";
    private const string SeniorsGroup = "cccc0000-0000-0000-0000-00000000000c";

    private DevelopmentTokenIssuerHost issuer = null!;
    private GraphDirectoryHost graph = null!;
    private ServiceProvider services = null!;

    private GraphDirectoryState State => graph.State;

    public async Task InitializeAsync()
    {
        issuer = await DevelopmentTokenIssuerHost.StartAsync([new DevelopmentClient("mlopsflows-graph", "graph-secret")]);
        var state = new GraphDirectoryState(issuer.Issuer);
        state.AddUser(Ada, "ada@contoso.test");
        state.AddUser(Grace, "grace@contoso.test");
        state.AddUser(Linus, "linus@contoso.test");
        // Grace is a risk approver through a nested group: membership must be transitive.
        state.AddGroup(SeniorsGroup, "Senior reviewers", Grace);
        state.AddGroup(ValidationGroup, "Model validation", Ada, Grace);
        state.AddGroup(RiskGroup, "Risk", SeniorsGroup);
        graph = await GraphDirectoryHost.StartAsync(state);
        services = Build();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await graph.DisposeAsync();
        await issuer.DisposeAsync();
    }

    [Fact]
    public async Task FindAsync_ByObjectId_ReadsUserThenChecksRoleGroups()
    {
        var person = await Directory().FindAsync(Grace, null, CancellationToken.None);

        Assert.Equal(new DirectoryPerson(Grace, "grace@contoso.test", ["model-validation", "risk"]), person, PersonComparer.Instance);
        Assert.Collection(
            State.Requests,
            get =>
            {
                Assert.Equal(("GET", $"/v1.0/users/{Grace}", "?$select=id,userPrincipalName"), (get.Method, get.Path, get.Query));
                AssertBearerFromIssuer(get.Authorization);
                Assert.Null(get.Body);
            },
            check =>
            {
                Assert.Equal(("POST", $"/v1.0/users/{Grace}/checkMemberGroups", string.Empty), (check.Method, check.Path, check.Query));
                AssertBearerFromIssuer(check.Authorization);
                using var body = JsonDocument.Parse(check.Body!);
                Assert.Equal([ValidationGroup, RiskGroup], body.RootElement.GetProperty("groupIds").EnumerateArray().Select(e => e.GetString()));
            });
    }

    [Fact]
    public async Task FindAsync_ByUpn_LooksUpByUpnAndReturnsTheObjectId()
    {
        var person = await Directory().FindAsync(null, "ada@contoso.test", CancellationToken.None);

        Assert.Equal(Ada, person?.ObjectId);
        Assert.Equal(["model-validation"], person!.Roles);
        // The recorded path is decoded by the server; the client escapes the UPN.
        Assert.Equal("/v1.0/users/ada@contoso.test", State.Requests[0].Path);
    }

    [Fact]
    public async Task FindAsync_PersonInNoRoleGroup_ReturnsThePersonWithoutRoles()
    {
        var person = await Directory().FindAsync(Linus, null, CancellationToken.None);

        Assert.Equal(Linus, person?.ObjectId);
        Assert.Empty(person!.Roles);
    }

    [Fact]
    public async Task FindAsync_UnknownUser_ReturnsNullWithoutCheckingGroups()
    {
        var person = await Directory().FindAsync("ffff0000-0000-0000-0000-00000000ffff", null, CancellationToken.None);

        Assert.Null(person);
        Assert.Single(State.Requests);
    }

    [Fact]
    public async Task FindAsync_Twice_SecondAnswerComesFromTheCache()
    {
        var first = await Directory().FindAsync(Ada, null, CancellationToken.None);
        var count = State.Requests.Count;

        // A new instance (the directory is transient): the cache is shared.
        var second = await Directory().FindAsync(Ada.ToUpperInvariant(), null, CancellationToken.None);

        Assert.Equal(first!.ObjectId, second!.ObjectId);
        Assert.Equal(2, count);
        Assert.Equal(count, State.Requests.Count);
    }

    [Fact]
    public async Task FindAsync_AfterCacheDuration_AsksGraphAgain()
    {
        await using var uncached = Build(cacheDuration: "00:00:00");

        await uncached.GetRequiredService<IApproverDirectory>().FindAsync(Ada, null, CancellationToken.None);
        await uncached.GetRequiredService<IApproverDirectory>().FindAsync(Ada, null, CancellationToken.None);

        Assert.Equal(4, State.Requests.Count);
    }

    [Fact]
    public async Task MembersAsync_FollowsNextLinkAcrossPages()
    {
        State.PageSize = 2;
        var many = Enumerable.Range(10, 5).Select(i => $"dddd0000-0000-0000-0000-0000000000{i}").ToArray();
        foreach (var id in many)
        {
            State.AddUser(id, $"user{id[^2..]}@contoso.test");
        }

        State.AddGroup(ValidationGroup, "Model validation", [.. many]);

        var members = await Directory().MembersAsync("model-validation", CancellationToken.None);

        Assert.Equal(many, members.Select(m => m.ObjectId));
        Assert.All(members, m => Assert.Equal(["model-validation"], m.Roles));
        var validationPages = State.Requests.Where(r => r.Path == $"/v1.0/groups/{ValidationGroup}/transitiveMembers/microsoft.graph.user").ToList();
        Assert.Equal(3, validationPages.Count);
        Assert.Equal("?$select=id,userPrincipalName", validationPages[0].Query);
        Assert.All(validationPages, p => Assert.Equal("GET", p.Method));
        Assert.All(validationPages.Skip(1), p => Assert.Contains("$skiptoken=", p.Query, StringComparison.Ordinal));
        Assert.All(validationPages, p => AssertBearerFromIssuer(p.Authorization));
    }

    [Fact]
    public async Task MembersAsync_ReportsEveryRoleOfEachMember()
    {
        var members = await Directory().MembersAsync("risk", CancellationToken.None);

        var grace = Assert.Single(members);
        Assert.Equal(Grace, grace.ObjectId);
        Assert.Equal(["model-validation", "risk"], grace.Roles);
    }

    [Fact]
    public async Task MembersAsync_Twice_SecondAnswerComesFromTheCache()
    {
        await Directory().MembersAsync("risk", CancellationToken.None);
        var count = State.Requests.Count;

        await Directory().MembersAsync("model-validation", CancellationToken.None);

        Assert.Equal(count, State.Requests.Count);
    }

    [Fact]
    public async Task MembersAsync_RoleWithoutGroup_ReturnsEmptyWithoutCallingGraph()
    {
        var members = await Directory().MembersAsync("auditor", CancellationToken.None);

        Assert.Empty(members);
        Assert.Empty(State.Requests);
    }

    [Fact]
    public async Task FindAsync_TokenGraphRefuses_ThrowsGraphRequestException()
    {
        await using var wrongScope = Build(scope: "https://management.azure.com/.default");

        var failure = await Assert.ThrowsAsync<GraphRequestException>(() =>
            wrongScope.GetRequiredService<IApproverDirectory>().FindAsync(Ada, null, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, failure.Status);
        Assert.Equal("InvalidAuthenticationToken", failure.ErrorCode);
    }

    [Fact]
    public void AddMlopsFlowsIntegrationsParts_WithoutRoleGroups_KeepsTheConfiguredDirectory()
    {
        using var plain = new ServiceCollection()
            .AddLogging()
            .AddConfiguredApproverDirectory(TestServices.Configuration(new Dictionary<string, string?>()))
            .AddGraphApproverDirectory(TestServices.Configuration(new Dictionary<string, string?> { ["MlopsFlows:Graph:BaseUrl"] = "https://graph.microsoft.com" }))
            .BuildServiceProvider();

        Assert.IsType<ConfiguredApproverDirectory>(plain.GetRequiredService<IApproverDirectory>());
        Assert.IsType<GraphApproverDirectory>(Directory());
    }

    private IApproverDirectory Directory() => services.GetRequiredService<IApproverDirectory>();

    private ServiceProvider Build(string cacheDuration = "00:05:00", string scope = "https://graph.microsoft.com/.default")
    {
        var configuration = TestServices.Configuration(new Dictionary<string, string?>
        {
            ["MlopsFlows:Graph:BaseUrl"] = graph.BaseUrl.ToString(),
            ["MlopsFlows:Graph:RoleGroups:model-validation"] = ValidationGroup,
            ["MlopsFlows:Graph:RoleGroups:risk"] = RiskGroup,
            ["MlopsFlows:Graph:CacheDuration"] = cacheDuration,
            ["MlopsFlows:Graph:Scope"] = scope,
            ["MlopsFlows:Graph:RetryDelay"] = "00:00:00.010",
            ["MlopsFlows:Graph:ClientCredentials:TokenEndpoint"] = issuer.Issuer.TokenEndpoint,
            ["MlopsFlows:Graph:ClientCredentials:ClientId"] = "mlopsflows-graph",
            ["MlopsFlows:Graph:ClientCredentials:ClientSecret"] = "graph-secret",
        });
        return new ServiceCollection()
            .AddLogging()
            .AddConfiguredApproverDirectory(configuration)
            .AddGraphApproverDirectory(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private void AssertBearerFromIssuer(string? authorization)
    {
        Assert.NotNull(authorization);
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(authorization["Bearer ".Length..]);
        Assert.Equal((issuer.Issuer.Issuer, "https://graph.microsoft.com", "mlopsflows-graph"), (token.Issuer, token.Audiences.Single(), token.GetClaim("appid").Value));
    }

    private sealed class PersonComparer : IEqualityComparer<DirectoryPerson?>
    {
        public static readonly PersonComparer Instance = new();

        public bool Equals(DirectoryPerson? x, DirectoryPerson? y) =>
            x is not null && y is not null && x.ObjectId == y.ObjectId && x.Upn == y.Upn && x.Roles.SequenceEqual(y.Roles);

        public int GetHashCode(DirectoryPerson? obj) => obj?.ObjectId.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
