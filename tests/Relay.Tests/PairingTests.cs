using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class PairingTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task PairingARegisterAnswersCreatedAndTellsTheTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var code = await terminal.Client.RequestPairingCodeAsync();

        var response = await merchant.Http.PostJson("/api/v1/pairings",
            new { pairingCode = code.Code, registerId = "till-1", registerName = "Till 1" });
        var pairing = await Task.FromResult(response).Expect(201);

        Assert.Equal("till-1", pairing.Str("registerId"));
        Assert.Equal("Till 1", pairing.Str("registerName"));
        Assert.Equal(terminal.TerminalId, pairing.Str("terminalId"));
        Assert.True(DateTimeOffset.TryParse(pairing.Str("pairedAt"), out _));
        Assert.True(pairing.AsObject().ContainsKey("replacedTerminalId"), pairing.ToJsonString());
        Assert.Null(pairing["replacedTerminalId"]);
        Assert.Equal("/api/v1/registers/till-1/pairing", response.Headers.Location?.OriginalString);

        var change = await terminal.NextPairingChange();
        Assert.Equal("till-1", change.RegisterId);
        Assert.Equal("Till 1", change.RegisterName);
        Assert.True(change.Paired);

        var stored = await merchant.Http.GetAsync("/api/v1/registers/till-1/pairing").Expect(200);
        Assert.Equal(terminal.TerminalId, stored.Str("terminalId"));
        Assert.Equal("Till 1", stored.Str("registerName"));
    }

    [Fact]
    public async Task PairingARegisterAgainMovesItToTheNewTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var first = await relay.NewTerminalAsync(merchant, simulate: false);
        await using var second = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(first, "till-1", "Till 1");
        Assert.True((await first.NextPairingChange()).Paired);

        var moved = await merchant.PairAsync(second, "till-1", "Till 1");

        Assert.Equal(second.TerminalId, moved.Str("terminalId"));
        Assert.Equal(first.TerminalId, moved.Str("replacedTerminalId"));
        var left = await first.NextPairingChange();
        Assert.Equal(("till-1", false), (left.RegisterId, left.Paired));
        var joined = await second.NextPairingChange();
        Assert.Equal(("till-1", true), (joined.RegisterId, joined.Paired));

        var pairing = await merchant.Http.GetAsync("/api/v1/registers/till-1/pairing").Expect(200);
        Assert.Equal(second.TerminalId, pairing.Str("terminalId"));
        var firstTerminal = await merchant.Http.GetAsync($"/api/v1/terminals/{first.TerminalId}").Expect(200);
        Assert.Empty(firstTerminal["registers"]!.AsArray());

        var transaction = await merchant.PurchaseAsync("till-1", 1000).Expect(201);
        Assert.Equal(second.TerminalId, transaction.Str("terminalId"));
        Assert.Equal(transaction.Str("id"), (await second.NextStart()).Id);
        Assert.True(await first.NoStartWithin(TimeSpan.FromMilliseconds(300)), "the register's old terminal got the purchase");
    }

    [Fact]
    public async Task OneTerminalCanServeSeveralRegisters()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);

        await merchant.PairAsync(terminal, "till-2");
        await merchant.PairAsync(terminal, "till-1");

        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(200);
        Assert.Equal(new[] { "till-1", "till-2" }, shown["registers"]!.AsArray().Select(r => (string)r!).Order());
        foreach (var register in new[] { "till-1", "till-2" })
        {
            var pairing = await merchant.Http.GetAsync($"/api/v1/registers/{register}/pairing").Expect(200);
            Assert.Equal(terminal.TerminalId, pairing.Str("terminalId"));
        }
    }

    [Fact]
    public async Task PairingsListFiltersByTerminalAndByRegister()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var first = await relay.NewTerminalAsync(merchant, simulate: false);
        await using var second = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(first, "till-1");
        await merchant.PairAsync(second, "till-2");
        await merchant.PairAsync(second, "till-3");

        var all = await ListAsync(merchant, "/api/v1/pairings");
        Assert.Equal(new[] { "till-1", "till-2", "till-3" }, all.Select(p => p.Str("registerId")).Order());

        var ofSecond = await ListAsync(merchant, $"/api/v1/pairings?terminalId={second.TerminalId}");
        Assert.Equal(new[] { "till-2", "till-3" }, ofSecond.Select(p => p.Str("registerId")).Order());
        Assert.All(ofSecond, p => Assert.Equal(second.TerminalId, p.Str("terminalId")));

        var ofTill1 = Assert.Single(await ListAsync(merchant, "/api/v1/pairings?registerId=till-1"));
        Assert.Equal(first.TerminalId, ofTill1.Str("terminalId"));
        Assert.True(DateTimeOffset.TryParse(ofTill1.Str("pairedAt"), out _));

        var stranger = await relay.NewMerchantAsync();
        Assert.Empty(await ListAsync(stranger, "/api/v1/pairings"));
        Assert.Empty(await ListAsync(stranger, $"/api/v1/pairings?terminalId={second.TerminalId}"));
        await stranger.Http.GetAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");
    }

    [Fact]
    public async Task UnpairingEndsThePairingAndTellsTheTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        Assert.True((await terminal.NextPairingChange()).Paired);

        await merchant.Http.DeleteAsync("/api/v1/registers/till-1/pairing").Expect(204);

        var change = await terminal.NextPairingChange();
        Assert.Equal(("till-1", false), (change.RegisterId, change.Paired));
        await merchant.Http.GetAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");
        await merchant.PurchaseAsync("till-1", 1000).ExpectProblem(404, "register-not-paired");
        await merchant.Http.DeleteAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task APairingCodeWorksOnlyOnce()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var code = await terminal.Client.RequestPairingCodeAsync();
        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-1" }).Expect(201);

        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-2" })
            .ExpectProblem(400, "pairing-code-invalid");

        await merchant.Http.GetAsync("/api/v1/registers/till-2/pairing").ExpectProblem(404, "register-not-paired");
    }

    [Fact]
    public async Task AnUnknownPairingCodeIsRefused()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var code = await terminal.Client.RequestPairingCodeAsync();
        var other = ((int.Parse(code.Code) + 1) % 1_000_000).ToString("D6");

        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = other, registerId = "till-1" })
            .ExpectProblem(400, "pairing-code-invalid");

        await merchant.Http.GetAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");
    }

    [Fact]
    public async Task AnExpiredPairingCodeIsRefused()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var code = await terminal.Client.RequestPairingCodeAsync();
        Assert.InRange(code.ExpiresAt - relay.Clock.GetUtcNow(), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1));

        relay.Clock.Advance(TimeSpan.FromMinutes(6));

        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-1" })
            .ExpectProblem(400, "pairing-code-invalid");
        await merchant.Http.GetAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");
    }

    [Fact]
    public async Task AnotherAccountsPairingCodeIsRefusedAndStaysUsableByItsOwnAccount()
    {
        var owner = await relay.NewMerchantAsync();
        var stranger = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(owner, simulate: false);
        var code = await terminal.Client.RequestPairingCodeAsync();

        await stranger.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-1" })
            .ExpectProblem(400, "pairing-code-invalid");
        await stranger.Http.GetAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");

        var pairing = await owner.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-1" }).Expect(201);
        Assert.Equal(terminal.TerminalId, pairing.Str("terminalId"));
    }

    [Fact]
    public async Task RequestingANewPairingCodeInvalidatesThePreviousOne()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var previous = await terminal.Client.RequestPairingCodeAsync();
        var current = await terminal.Client.RequestPairingCodeAsync();
        while (current.Code == previous.Code) // one chance in a million; the test needs two different codes
        {
            current = await terminal.Client.RequestPairingCodeAsync();
        }

        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = previous.Code, registerId = "till-1" })
            .ExpectProblem(400, "pairing-code-invalid");

        var pairing = await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = current.Code, registerId = "till-1" })
            .Expect(201);
        Assert.Equal(terminal.TerminalId, pairing.Str("terminalId"));
    }

    [Fact]
    public async Task PairingWithoutARegisterIdIsAValidationError()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var code = await terminal.Client.RequestPairingCodeAsync();

        var problem = await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code })
            .ExpectProblem(400, "validation-failed");

        Assert.NotNull(problem["errors"]?["registerId"]);
        // The refused request did not use up the code.
        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-1" }).Expect(201);
    }

    private static async Task<List<JsonNode>> ListAsync(Merchant merchant, string url)
    {
        var page = await merchant.Http.GetAsync(url).Expect(200);
        return page["items"]!.AsArray().Select(i => i!).ToList();
    }
}
