using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsFlows.Integrations.Approvals;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Approvals;

public sealed class ConfiguredApproverDirectoryTests
{
    private static readonly Dictionary<string, string?> Approvers = new()
    {
        ["MlopsFlows:Approvers:0:ObjectId"] = "6f1c0000-0000-0000-0000-000000000001",
        ["MlopsFlows:Approvers:0:Upn"] = "ada@contoso.com",
        ["MlopsFlows:Approvers:0:Roles:0"] = "model-validation",
        ["MlopsFlows:Approvers:1:objectId"] = "0b2e0000-0000-0000-0000-000000000002",
        ["MlopsFlows:Approvers:1:upn"] = "grace@contoso.com",
        ["MlopsFlows:Approvers:1:roles:0"] = "risk",
        ["MlopsFlows:Approvers:1:roles:1"] = "model-validation",
        ["MlopsFlows:Approvers:2:objectId"] = "9d3f0000-0000-0000-0000-000000000003",
        ["MlopsFlows:Approvers:2:upn"] = "linus@contoso.com",
    };

    [Fact]
    public async Task FindAsync_ByObjectId_ReturnsThePersonWithRoles()
    {
        using var services = Build(Approvers);

        var person = await Directory(services).FindAsync("0B2E0000-0000-0000-0000-000000000002", null, CancellationToken.None);

        Assert.NotNull(person);
        Assert.Equal(("0b2e0000-0000-0000-0000-000000000002", "grace@contoso.com"), (person.ObjectId, person.Upn));
        Assert.Equal(["risk", "model-validation"], person.Roles);
    }

    [Fact]
    public async Task FindAsync_ByUpnIgnoringCase_ReturnsThePerson()
    {
        using var services = Build(Approvers);

        var person = await Directory(services).FindAsync(null, "ADA@contoso.com", CancellationToken.None);

        Assert.Equal("6f1c0000-0000-0000-0000-000000000001", person?.ObjectId);
    }

    [Fact]
    public async Task FindAsync_UnknownObjectIdWithKnownUpn_ReturnsNull()
    {
        using var services = Build(Approvers);

        // The object id is immutable and decides; a UPN may have been handed to someone else.
        var person = await Directory(services).FindAsync("ffff0000-0000-0000-0000-00000000ffff", "ada@contoso.com", CancellationToken.None);

        Assert.Null(person);
    }

    [Fact]
    public async Task FindAsync_NeitherGiven_ReturnsNull()
    {
        using var services = Build(Approvers);

        Assert.Null(await Directory(services).FindAsync(null, " ", CancellationToken.None));
    }

    [Fact]
    public async Task MembersAsync_Role_ListsEveryoneHoldingIt()
    {
        using var services = Build(Approvers);
        var directory = Directory(services);

        var validators = await directory.MembersAsync("model-validation", CancellationToken.None);
        var nobody = await directory.MembersAsync("auditor", CancellationToken.None);

        Assert.Equal(["ada@contoso.com", "grace@contoso.com"], validators.Select(p => p.Upn));
        Assert.Empty(nobody);
    }

    [Fact]
    public async Task MembersAsync_NothingConfigured_IsEmpty()
    {
        using var services = Build([]);

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Empty(await Directory(services).MembersAsync("risk", CancellationToken.None));
    }

    [Theory]
    [InlineData("MlopsFlows:Approvers:0:Upn", null, "needs both an objectId and a upn")]
    [InlineData("MlopsFlows:Approvers:1:upn", "ADA@contoso.com", "repeats an objectId or upn")]
    [InlineData("MlopsFlows:Approvers:2:roles:0", " ", "blank role")]
    public void Validate_BadEntry_FailsAtStart(string key, string? value, string expected)
    {
        using var services = Build(new Dictionary<string, string?>(Approvers) { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static IApproverDirectory Directory(ServiceProvider services)
    {
        var directory = services.GetRequiredService<IApproverDirectory>();
        Assert.IsType<ConfiguredApproverDirectory>(directory);
        return directory;
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddConfiguredApproverDirectory(TestServices.Configuration(settings)).BuildServiceProvider();
}
