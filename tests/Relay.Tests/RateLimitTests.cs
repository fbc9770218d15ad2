using Relay.Tests.Infrastructure;

namespace Relay.Tests;

// One class per limit, each with its own relay: the limiters count every request their relay sees.

public sealed class ActivationRateLimitTests(LowRateLimitFixture relay) : IClassFixture<LowRateLimitFixture>
{
    [Fact]
    public async Task ActivationAttemptsBeyondTheLimitAreRefusedWithRetryAfter()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = await merchant.PostJson("/api/v1/terminals", new { label = "Till" }).Expect(201);
        for (var i = 0; i < LowRateLimitFixture.ActivationsPerMinute; i++)
        {
            await relay.ActivateAsync($"WRONG-{i:D5}").ExpectProblem(400, "activation-code-invalid");
        }

        var limited = await relay.ActivateAsync("WRONG-99999");

        await Task.FromResult(limited).ExpectProblem(429, "rate-limited");
        AssertRetryAfter(limited);

        // Even the right code waits: the limit is what stops guessing.
        var right = await relay.ActivateAsync(created.Str("activationCode"));
        await Task.FromResult(right).ExpectProblem(429, "rate-limited");
        AssertRetryAfter(right);
        Assert.Equal("created", (await merchant.GetAsync($"/api/v1/terminals/{created.Str("id")}").Expect(200)).Str("status"));
    }

    internal static void AssertRetryAfter(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Retry-After", out var values), "no Retry-After header");
        var seconds = int.Parse(Assert.Single(values));
        Assert.InRange(seconds, 1, 60);
    }
}

public sealed class PairingRateLimitTests(LowRateLimitFixture relay) : IClassFixture<LowRateLimitFixture>
{
    [Fact]
    public async Task PairingAttemptsBeyondTheLimitAreRefusedForThatAccountOnly()
    {
        var busy = await relay.NewMerchantAsync();
        await using var busyTerminal = await relay.NewTerminalAsync(busy);
        var other = await relay.NewMerchantAsync();
        await using var otherTerminal = await relay.NewTerminalAsync(other);
        var code = (await busyTerminal.RequestPairingCodeAsync()).Code;
        var wrong = ((int.Parse(code) + 1) % 1_000_000).ToString("D6");
        for (var i = 0; i < LowRateLimitFixture.PairingsPerMinute; i++)
        {
            await busy.PostJson("/api/v1/pairings", new { pairingCode = wrong, registerId = "till-1" })
                .ExpectProblem(400, "pairing-code-invalid");
        }

        var limited = await busy.PostJson("/api/v1/pairings", new { pairingCode = code, registerId = "till-1" });

        await Task.FromResult(limited).ExpectProblem(429, "rate-limited");
        ActivationRateLimitTests.AssertRetryAfter(limited);
        await busy.GetAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");

        var otherCode = (await otherTerminal.RequestPairingCodeAsync()).Code;
        await other.PostJson("/api/v1/pairings", new { pairingCode = otherCode, registerId = "till-1" }).Expect(201);
    }
}
