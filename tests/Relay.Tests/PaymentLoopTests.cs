using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class PaymentLoopTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task PurchaseWithPreferWaitComesBackApprovedWithTheTerminalsResult()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var pairing = await merchant.PairAsync(terminal, "till-1", "Till 1");
        Assert.Equal(terminal.TerminalId, pairing.Str("terminalId"));

        var response = await merchant.PurchaseAsync("till-1", 1250, wait: 30);
        var transaction = await Task.FromResult(response).Expect(201);

        Assert.Equal($"/api/v1/transactions/{transaction.Str("id")}", response.Headers.Location?.OriginalString);
        Assert.True(transaction.Str("status") == "approved", terminal.Output.ToString());
        Assert.Equal("purchase", transaction.Str("type"));
        Assert.Equal(1250, (long)transaction["amount"]!);
        Assert.Equal("NZD", transaction.Str("currency"));
        Assert.Equal(terminal.TerminalId, transaction.Str("terminalId"));
        Assert.True((bool)transaction["terminalOnline"]!);
        var result = transaction["result"]!;
        Assert.Equal("approved", result.Str("outcome"));
        Assert.Equal("00", result.Str("responseCode"));
        Assert.False(string.IsNullOrEmpty(result.Str("authCode")));
        Assert.Equal(1250, (long)result["amountAuthorised"]!);
        Assert.NotNull(transaction["deliveredAt"]);
        Assert.NotNull(transaction["startedAt"]);
        Assert.NotNull(transaction["completedAt"]);
    }

    [Fact]
    public async Task TheAnswerToAWaitingPurchaseIsTheTransactionExactlyAsGetShowsIt()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1", "Till 1");

        // The answer is built from the snapshot the result's statement returned (TransactionSnapshot, no second read); GET reads
        // it through EF. Every field set, so a column either reader misses shows up as a difference.
        var answer = await merchant.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount = 2000, currency = "NZD", cashOutAmount = 500, tipAmount = 150,
                reference = "order-77" },
            Guid.NewGuid().ToString(), 30).Expect(201);
        Assert.True(answer.Str("status") == "approved", terminal.Output.ToString());
        Assert.Equal(500, (long)answer["cashOutAmount"]!);
        Assert.Equal("order-77", answer.Str("reference"));

        var shown = await merchant.GetTransactionAsync(answer.Str("id"));
        Assert.Equal(shown.ToJsonString(), answer.ToJsonString());
    }

    [Theory]
    [InlineData(1251, "declined", "51")]
    [InlineData(1252, "failed", "96")]
    public async Task DeclineAndFailureComeBackAsTheTerminalReportedThem(long amount, string status, string responseCode)
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");

        var transaction = await merchant.PurchaseAsync("till-1", amount, wait: 30).Expect(201);

        Assert.Equal(status, transaction.Str("status"));
        Assert.Equal(status, transaction["result"]!.Str("outcome"));
        Assert.Equal(responseCode, transaction["result"]!.Str("responseCode"));
    }
}
