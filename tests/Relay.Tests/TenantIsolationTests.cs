using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class TenantIsolationTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    /// <summary>Merchant A with a paired terminal and an open transaction; merchant B with nothing.</summary>
    private sealed record World(Merchant A, TestTerminal TerminalA, string TransactionId, Merchant B) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => TerminalA.DisposeAsync();
    }

    private async Task<World> WorldAsync(bool withTransaction = true)
    {
        var a = await relay.NewMerchantAsync();
        var terminal = await relay.NewTerminalAsync(a, simulate: false);
        await a.PairAsync(terminal, "till-a");
        var id = withTransaction ? (await a.PurchaseAsync("till-a", 1000).Expect(201)).Str("id") : "";
        return new World(a, terminal, id, await relay.NewMerchantAsync());
    }

    /// <summary>Another account's id and an id that never existed must be indistinguishable.</summary>
    private static async Task ExpectSameAnswer(Func<string, Task<HttpResponseMessage>> call, string othersId, int status, string code)
    {
        var unknownId = Guid.NewGuid().ToString();
        var forOthers = await call(othersId).ExpectProblem(status, code);
        var forUnknown = await call(unknownId).ExpectProblem(status, code);
        Assert.Equal((string?)forUnknown["title"], (string?)forOthers["title"]);
        // A detail may quote the id it was given; apart from that it must not differ.
        Assert.Equal(((string?)forUnknown["detail"])?.Replace(unknownId, "{id}"),
            ((string?)forOthers["detail"])?.Replace(othersId, "{id}"));
    }

    [Fact]
    public async Task AnotherAccountsTerminalAnswersNotFoundLikeAnUnknownId()
    {
        await using var world = await WorldAsync(withTransaction: false);
        var (a, b, terminalId) = (world.A, world.B, world.TerminalA.TerminalId);

        await ExpectSameAnswer(id => b.Http.GetAsync($"/api/v1/terminals/{id}"), terminalId, 404, "not-found");
        await ExpectSameAnswer(id => b.Http.PostAsync($"/api/v1/terminals/{id}/activation-code", null), terminalId, 404, "not-found");
        await ExpectSameAnswer(id => b.Http.DeleteAsync($"/api/v1/terminals/{id}"), terminalId, 404, "not-found");

        // Nothing B tried touched A's terminal: still activated, online, paired, and its device token still works.
        var terminal = await a.Http.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200);
        Assert.Equal("activated", terminal.Str("status"));
        Assert.True((bool)terminal["online"]!);
        Assert.Equal(["till-a"], terminal["registers"]!.AsArray().Select(r => (string)r!));
        await a.PurchaseAsync("till-a", 1000).Expect(201);
        Assert.NotNull(await world.TerminalA.NextStart());
    }

    [Fact]
    public async Task AnotherAccountsTransactionAnswersNotFoundAndCannotBeCancelled()
    {
        await using var world = await WorldAsync();
        var (a, b, id) = (world.A, world.B, world.TransactionId);

        await ExpectSameAnswer(x => b.Http.GetAsync($"/api/v1/transactions/{x}"), id, 404, "not-found");
        await ExpectSameAnswer(x => b.Http.GetWaiting($"/api/v1/transactions/{x}", 5), id, 404, "not-found");
        await ExpectSameAnswer(x => b.Http.PostAsync($"/api/v1/transactions/{x}/cancel", null), id, 404, "not-found");
        await b.Http.GetAsync("/api/v1/registers/till-a/transactions/last").ExpectProblem(404, "not-found");

        var transaction = await a.GetTransactionAsync(id);
        Assert.Equal("pending", transaction.Str("status"));
        Assert.Equal(id, (await world.TerminalA.NextStart()).Id);
        Assert.True(await world.TerminalA.Client.TransactionReceivedAsync(id), "B's cancel must not have stopped A's transaction");
    }

    [Fact]
    public async Task AnotherAccountsRegisterIsNotPairedForThisAccount()
    {
        await using var world = await WorldAsync(withTransaction: false);
        var (a, b) = (world.A, world.B);

        await ExpectSameAnswer(r => b.Http.GetAsync($"/api/v1/registers/{r}/pairing"), "till-a", 404, "register-not-paired");
        await b.Http.DeleteAsync("/api/v1/registers/till-a/pairing").ExpectProblem(404, "register-not-paired");
        await b.PurchaseAsync("till-a", 1000).ExpectProblem(404, "register-not-paired");

        Assert.Equal(world.TerminalA.TerminalId, (await a.Http.GetAsync("/api/v1/registers/till-a/pairing").Expect(200)).Str("terminalId"));
        Assert.True(await world.TerminalA.NoStartWithin(TimeSpan.FromMilliseconds(200)));
        await world.TerminalA.NextPairingChange(); // the "paired" from setting up; nothing after it
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.TerminalA.NextPairingChange(seconds: 1));
    }

    [Fact]
    public async Task ListsShowOnlyTheAccountsOwnItems()
    {
        await using var world = await WorldAsync();
        var (a, b) = (world.A, world.B);
        var ownTerminal = (await b.Http.PostJson("/api/v1/terminals", new { label = "B's" }).Expect(201)).Str("id");

        Assert.Equal([ownTerminal], await b.Http.ListIds("/api/v1/terminals"));
        Assert.Empty(await b.Http.ListIds("/api/v1/terminals?status=activated"));
        Assert.Empty(await b.Http.ListIds("/api/v1/transactions"));
        Assert.Empty(await b.Http.ListIds($"/api/v1/transactions?terminalId={world.TerminalA.TerminalId}"));
        Assert.Empty(await b.Http.ListIds("/api/v1/transactions?registerId=till-a"));
        Assert.Empty(await b.Http.ListIds("/api/v1/pairings", "registerId"));
        Assert.Empty(await b.Http.ListIds($"/api/v1/pairings?terminalId={world.TerminalA.TerminalId}", "registerId"));

        Assert.Equal([world.TerminalA.TerminalId], await a.Http.ListIds("/api/v1/terminals"));
        Assert.Equal([world.TransactionId], await a.Http.ListIds("/api/v1/transactions"));
        Assert.Equal(["till-a"], await a.Http.ListIds("/api/v1/pairings", "registerId"));
    }

    [Fact]
    public async Task PairingCodeOfAnotherAccountIsInvalidAndStaysUsableByItsOwner()
    {
        await using var world = await WorldAsync(withTransaction: false);
        var (a, b) = (world.A, world.B);
        var code = await world.TerminalA.Client.RequestPairingCodeAsync();

        await b.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-b" })
            .ExpectProblem(400, "pairing-code-invalid");

        Assert.Empty(await b.Http.ListIds("/api/v1/pairings", "registerId"));
        var paired = await a.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-a2" }).Expect(201);
        Assert.Equal(world.TerminalA.TerminalId, paired.Str("terminalId"));
    }

    [Fact]
    public async Task TwoAccountsCanUseTheSameRegisterIdWithoutColliding()
    {
        await using var world = await WorldAsync(withTransaction: false);
        var (a, b) = (world.A, world.B);
        await using var terminalB = await relay.NewTerminalAsync(b, simulate: false);

        var pairing = await b.PairAsync(terminalB, "till-a");
        Assert.Null(pairing["replacedTerminalId"]);

        var fromB = await b.PurchaseAsync("till-a", 500).Expect(201);
        Assert.Equal(terminalB.TerminalId, fromB.Str("terminalId"));
        Assert.Equal(fromB.Str("id"), (await terminalB.NextStart()).Id);
        Assert.True(await world.TerminalA.NoStartWithin(TimeSpan.FromMilliseconds(200)), "A's terminal must not see B's transaction");
        Assert.Equal(world.TerminalA.TerminalId, (await a.Http.GetAsync("/api/v1/registers/till-a/pairing").Expect(200)).Str("terminalId"));

        // A's till is not busy because of B's transaction on B's terminal.
        var fromA = await a.PurchaseAsync("till-a", 600).Expect(201);
        Assert.Equal(world.TerminalA.TerminalId, fromA.Str("terminalId"));
    }

    [Fact]
    public async Task AnotherAccountsTransactionCannotBeTheOriginalOfACaptureOrVoid()
    {
        await using var world = await WorldAsync();
        var b = world.B;
        await using var terminalB = await relay.NewTerminalAsync(b, simulate: false);
        await b.PairAsync(terminalB, "till-b");

        var others = await b.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-b", type = "void", originalTransactionId = world.TransactionId }, Guid.NewGuid().ToString())
            .ExpectValidationFailed("originalTransactionId");
        var unknown = await b.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-b", type = "void", originalTransactionId = Guid.NewGuid() }, Guid.NewGuid().ToString())
            .ExpectValidationFailed("originalTransactionId");

        Assert.Equal(unknown["errors"]!.ToJsonString(), others["errors"]!.ToJsonString());
    }
}
