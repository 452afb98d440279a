using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using MlopsFlows.Domain.Releases;
using MlopsFlows.Integrations.Storage;
using MlopsFlows.Integrations.Tests.Support;
using MlopsFlows.Testing;
using MlopsFlows.Workflows.Ports;

namespace MlopsFlows.Integrations.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableReleaseLedgerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Model = "main.credit.scorer";
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly StorageNames names = StorageNames.Fresh();
    private ConcurrentQueue<LogEntry> logs = null!;
    private ServiceProvider services = null!;

    private IReleaseLedger Ledger => services.GetRequiredService<IReleaseLedger>();

    public Task InitializeAsync()
    {
        // Owned (and disposed) by the service provider's logger factory.
        var provider = new CapturingLoggerProvider();
        logs = provider.Entries;
        services = StorageTestServices.Build(azurite.ConnectionString, names, provider);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task ClaimAsync_FreePlace_ClaimsAndBooksTheRunInFlight()
    {
        var claim = Claim(2, "run-2", Noon);

        var result = await Ledger.ClaimAsync(claim, CancellationToken.None);

        Assert.True(result.Claimed);
        Assert.True(result.Created);
        Assert.Equal(
            ("release:main.credit.scorer:2:prod", Model, 2, "prod", "run-2", "job:train", Noon, ReleaseLedgerStatus.InFlight),
            (result.Holder.ReleaseId, result.Holder.Model, result.Holder.Version, result.Holder.Environment, result.Holder.RunId, result.Holder.RequestedBy, result.Holder.RequestedAt, result.Holder.Status));
        Assert.Equal("run-2", (await Ledger.FindInFlightAsync(Model, "prod", CancellationToken.None))?.RunId);
        Assert.Equal(["run-2"], (await Ledger.ListByStatusAsync(ReleaseLedgerStatus.InFlight, 10, CancellationToken.None)).Select(e => e.RunId));
    }

    [Fact]
    public async Task ClaimAsync_SameReleaseAgain_IsIdempotentAndKeepsTheFirstRun()
    {
        await Ledger.ClaimAsync(Claim(2, "run-first", Noon), CancellationToken.None);

        var again = await Ledger.ClaimAsync(Claim(2, "run-second", Noon.AddSeconds(5)), CancellationToken.None);

        Assert.True(again.Claimed);
        Assert.False(again.Created);
        Assert.Equal(("run-first", Noon), (again.Holder.RunId, again.Holder.RequestedAt));
        Assert.Single(await Ledger.ListAsync(Model, "prod", 10, CancellationToken.None));
    }

    [Fact]
    public async Task ClaimAsync_OtherVersionInFlight_IsRefusedNamingTheHolder()
    {
        await Ledger.ClaimAsync(Claim(2, "run-2", Noon), CancellationToken.None);

        var refused = await Ledger.ClaimAsync(Claim(3, "run-3", Noon.AddSeconds(1)), CancellationToken.None);

        Assert.False(refused.Claimed);
        Assert.Equal(("release:main.credit.scorer:2:prod", 2, "run-2"), (refused.Holder.ReleaseId, refused.Holder.Version, refused.Holder.RunId));
        Assert.Equal(["run-2"], (await Ledger.ListAsync(Model, "prod", 10, CancellationToken.None)).Select(e => e.RunId));
    }

    [Fact]
    public async Task ClaimAsync_OtherEnvironmentOrModel_HasItsOwnPlace()
    {
        await Ledger.ClaimAsync(Claim(2, "run-2", Noon), CancellationToken.None);

        Assert.True((await Ledger.ClaimAsync(Claim(3, "run-3", Noon, environment: "staging"), CancellationToken.None)).Claimed);
        Assert.True((await Ledger.ClaimAsync(Claim(3, "run-4", Noon, model: "main.credit.other"), CancellationToken.None)).Claimed);
    }

    [Fact]
    public async Task ClaimAsync_DifferentVersionsClaimingAtOnce_ExactlyOneWinsEveryRound()
    {
        const int Rounds = 40;
        const int Contenders = 8;
        for (var round = 0; round < Rounds; round++)
        {
            var model = $"main.race.m{round}";
            using var go = new ManualResetEventSlim();
            var claims = Enumerable.Range(1, Contenders).Select(version => Task.Run(async () =>
            {
                go.Wait();
                return await Ledger.ClaimAsync(Claim(version, $"run-{round}-{version}", Noon.AddMilliseconds(version), model: model), CancellationToken.None);
            })).ToArray();
            go.Set();
            var results = await Task.WhenAll(claims);

            var winner = Assert.Single(results, r => r.Claimed);
            Assert.All(results.Where(r => !r.Claimed), loser => Assert.Equal(winner.Holder.ReleaseId, loser.Holder.ReleaseId));
            Assert.Equal(winner.Holder.RunId, (await Ledger.FindInFlightAsync(model, "prod", CancellationToken.None))?.RunId);
            Assert.Equal([winner.Holder.RunId], (await Ledger.ListAsync(model, "prod", 10, CancellationToken.None)).Select(e => e.RunId));
        }
    }

    [Fact]
    public async Task EndAsync_HeldPlace_RecordsTheOutcomeAndFreesThePlace()
    {
        var claimed = (await Ledger.ClaimAsync(Claim(2, "run-2", Noon), CancellationToken.None)).Holder;

        var ended = await Ledger.EndAsync(Ending(2, "run-2", Noon, "Promoted", Noon.AddHours(1)), CancellationToken.None);

        Assert.Equal(
            ("Promoted", "promoted: v2 serves all traffic", Noon.AddHours(1), 14, "abc123", "job:train", Noon, "run-2"),
            (ended.Status, ended.Reason, ended.EndedAt, ended.EvidenceCount, ended.EvidenceHead, ended.RequestedBy, ended.RequestedAt, ended.RunId));
        Assert.Null(await Ledger.FindInFlightAsync(Model, "prod", CancellationToken.None));
        Assert.Empty(await Ledger.ListByStatusAsync(ReleaseLedgerStatus.InFlight, 10, CancellationToken.None));
        Assert.Equal([claimed.ReleaseId], (await Ledger.ListByStatusAsync("Promoted", 10, CancellationToken.None)).Select(e => e.ReleaseId));
        Assert.True((await Ledger.ClaimAsync(Claim(3, "run-3", Noon.AddHours(2)), CancellationToken.None)).Claimed);
    }

    [Fact]
    public async Task ListEndedAsync_Period_ListsOnlyReleasesThatEndedInItWithThatOutcome()
    {
        await Ledger.ClaimAsync(Claim(2, "run-2", Noon), CancellationToken.None);
        await Ledger.EndAsync(Ending(2, "run-2", Noon, "Promoted", Noon.AddHours(1)), CancellationToken.None);
        await Ledger.ClaimAsync(Claim(3, "run-3", Noon.AddDays(1)), CancellationToken.None);
        await Ledger.EndAsync(Ending(3, "run-3", Noon.AddDays(1), "Promoted", Noon.AddDays(10)), CancellationToken.None);
        await Ledger.ClaimAsync(Claim(4, "run-4", Noon.AddDays(11)), CancellationToken.None);
        await Ledger.EndAsync(Ending(4, "run-4", Noon.AddDays(11), "RolledBack", Noon.AddDays(11).AddHours(1)), CancellationToken.None);

        var promoted = await Ledger.ListEndedAsync("Promoted", Noon, Noon.AddDays(5), 10, CancellationToken.None);
        var rolledBack = await Ledger.ListEndedAsync("RolledBack", Noon, Noon.AddDays(30), 10, CancellationToken.None);
        var edge = await Ledger.ListEndedAsync("Promoted", Noon.AddHours(1), Noon.AddDays(10), 10, CancellationToken.None);

        Assert.Equal(["run-2"], promoted.Select(e => e.RunId));
        Assert.Equal(["run-4"], rolledBack.Select(e => e.RunId));
        Assert.Equal(["run-2"], edge.Select(e => e.RunId));
    }

    [Fact]
    public async Task EndAsync_Repeated_TheFirstEndingStands()
    {
        await Ledger.ClaimAsync(Claim(2, "run-2", Noon), CancellationToken.None);
        await Ledger.EndAsync(Ending(2, "run-2", Noon, "RolledBack", Noon.AddHours(1)), CancellationToken.None);

        var again = await Ledger.EndAsync(Ending(2, "run-2", Noon, "Promoted", Noon.AddHours(2)), CancellationToken.None);

        Assert.Equal(("RolledBack", Noon.AddHours(1)), (again.Status, again.EndedAt));
        Assert.Equal(["RolledBack"], (await Ledger.ListAsync(Model, "prod", 10, CancellationToken.None)).Select(e => e.Status));
        Assert.Empty(await Ledger.ListByStatusAsync("Promoted", 10, CancellationToken.None));
    }

    [Fact]
    public async Task EndAsync_SameRunEndedConcurrently_RereadsOnAStaleETagAndEndsOnce()
    {
        const int Rounds = 15;
        for (var round = 0; round < Rounds; round++)
        {
            var model = $"main.ends.m{round}";
            await Ledger.ClaimAsync(Claim(2, "run-2", Noon, model: model), CancellationToken.None);
            using var go = new ManualResetEventSlim();
            var ends = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                go.Wait();
                return await Ledger.EndAsync(Ending(2, "run-2", Noon, "Promoted", Noon.AddHours(1), model: model), CancellationToken.None);
            })).ToArray();
            go.Set();

            var results = await Task.WhenAll(ends);

            Assert.All(results, r => Assert.Equal("Promoted", r.Status));
            Assert.Null(await Ledger.FindInFlightAsync(model, "prod", CancellationToken.None));
        }

        // Losers of the conditional write read again rather than overwrite: the stale-ETag path ran.
        Assert.Contains(logs, e => e.EventId.Id == 2222);
        Assert.Empty(await Ledger.ListByStatusAsync(ReleaseLedgerStatus.InFlight, 100, CancellationToken.None));
        Assert.Equal(Rounds, (await Ledger.ListByStatusAsync("Promoted", 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task EndAsync_RacingClaimsOfTheNextVersion_NeverLosesOrDoublesThePlace()
    {
        const int Rounds = 20;
        for (var round = 0; round < Rounds; round++)
        {
            var model = $"main.handover.m{round}";
            await Ledger.ClaimAsync(Claim(1, "run-1", Noon, model: model), CancellationToken.None);
            using var go = new ManualResetEventSlim();
            var end = Task.Run(async () =>
            {
                go.Wait();
                await Ledger.EndAsync(Ending(1, "run-1", Noon, "Promoted", Noon.AddHours(1), model: model), CancellationToken.None);
            });
            var claims = Enumerable.Range(2, 4).Select(version => Task.Run(async () =>
            {
                go.Wait();
                return await Ledger.ClaimAsync(Claim(version, $"run-{version}", Noon.AddHours(1).AddMilliseconds(version), model: model), CancellationToken.None);
            })).ToArray();
            go.Set();
            await end;
            var results = await Task.WhenAll(claims);

            var holder = await Ledger.FindInFlightAsync(model, "prod", CancellationToken.None);
            var winners = results.Where(r => r.Claimed).ToList();
            Assert.True(winners.Count <= 1, $"round {round}: {winners.Count} claims won");
            Assert.Equal(winners.SingleOrDefault()?.Holder.RunId, holder?.RunId);
            Assert.Equal("Promoted", (await Ledger.FindRunAsync($"release:{model}:1:prod", "run-1", CancellationToken.None))?.Status);
        }
    }

    [Fact]
    public async Task EndAsync_RunNeverClaimed_IsStillBooked()
    {
        var ended = await Ledger.EndAsync(Ending(5, "run-5", Noon, "GateFailed", Noon.AddMinutes(3)), CancellationToken.None);

        Assert.Equal(("GateFailed", "release:main.credit.scorer:5:prod"), (ended.Status, ended.ReleaseId));
        Assert.Equal(["GateFailed"], (await Ledger.ListAsync(Model, "prod", 10, CancellationToken.None)).Select(e => e.Status));
    }

    [Fact]
    public async Task EndAsync_RunThatDoesNotHoldThePlace_LeavesTheHolderAlone()
    {
        await Ledger.ClaimAsync(Claim(2, "run-2", Noon), CancellationToken.None);

        await Ledger.EndAsync(Ending(3, "run-3", Noon, "Cancelled", Noon.AddMinutes(1)), CancellationToken.None);

        Assert.Equal("run-2", (await Ledger.FindInFlightAsync(Model, "prod", CancellationToken.None))?.RunId);
    }

    [Fact]
    public async Task ListAsync_SeveralReleases_NewestFirstForThatModelAndEnvironmentOnly()
    {
        for (var version = 1; version <= 4; version++)
        {
            var at = Noon.AddDays(version);
            await Ledger.ClaimAsync(Claim(version, $"run-{version}", at), CancellationToken.None);
            await Ledger.EndAsync(Ending(version, $"run-{version}", at, "Promoted", at.AddHours(1)), CancellationToken.None);
        }

        await Ledger.ClaimAsync(Claim(9, "run-9", Noon.AddDays(9), environment: "staging"), CancellationToken.None);

        Assert.Equal([4, 3, 2, 1], (await Ledger.ListAsync(Model, "prod", 10, CancellationToken.None)).Select(e => e.Version));
        Assert.Equal([4, 3], (await Ledger.ListAsync(Model, "prod", 2, CancellationToken.None)).Select(e => e.Version));
        Assert.Equal([9], (await Ledger.ListAsync(Model, "staging", 10, CancellationToken.None)).Select(e => e.Version));
        Assert.Equal([4, 3, 2, 1], (await Ledger.ListByStatusAsync("Promoted", 10, CancellationToken.None)).Select(e => e.Version));
    }

    [Fact]
    public async Task Rows_Layout_IsTheDocumentedPartitioning()
    {
        await Ledger.ClaimAsync(Claim(2, "run-2", Noon), CancellationToken.None);

        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(azurite.ConnectionString, names.ReleasesTable).QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        Assert.Equal(
            [("m:main.credit.scorer:prod", AzureTableReleaseLedger.RunRowKey(Noon, "run-2")), ("m:main.credit.scorer:prod", "slot"), ("s:InFlight", $"{AzureTableReleaseLedger.RunRowKey(Noon, "run-2")[2..]}:release:main.credit.scorer:2:prod")],
            rows.Select(r => (r.PartitionKey, r.RowKey)).Order());
    }

    [Fact]
    public async Task FindRunAsync_UnknownOrNotAReleaseId_IsNull()
    {
        Assert.Null(await Ledger.FindRunAsync("release:main.credit.scorer:2:prod", "run-2", CancellationToken.None));
        Assert.Null(await Ledger.FindRunAsync("not-a-release", "run-2", CancellationToken.None));
    }

    private static ReleaseClaim Claim(int version, string runId, DateTimeOffset at, string model = Model, string environment = "prod") =>
        new(new ReleaseKey(model, version, environment), runId, "job:train", at);

    private static ReleaseEnding Ending(int version, string runId, DateTimeOffset requestedAt, string outcome, DateTimeOffset endedAt, string model = Model) =>
        new(new ReleaseKey(model, version, "prod"), runId, requestedAt, outcome, outcome == "Promoted" ? $"promoted: v{version} serves all traffic" : outcome, endedAt, 14, "abc123");
}
