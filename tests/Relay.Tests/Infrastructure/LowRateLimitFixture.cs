using Relay.Terminal;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A relay whose rate limits are low enough to hit in a test (3 activations and 3 pairings a minute), over its own
/// database. The usual fixture sets limits no test reaches.
/// </summary>
public sealed class LowRateLimitFixture() : RelayFixture(new Dictionary<string, string>
{
    ["Relay:RateLimits:ActivationsPerMinute"] = ActivationsPerMinute.ToString(),
    ["Relay:RateLimits:PairingsPerMinute"] = PairingsPerMinute.ToString(),
})
{
    public const int ActivationsPerMinute = 3;
    public const int PairingsPerMinute = 3;

    public Task<HttpResponseMessage> ActivateAsync(string activationCode) =>
        DeviceAccess.ActivateAsync(this, activationCode, "SN-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A new account's client (with its API key).</summary>
    public async Task<HttpClient> NewMerchantAsync() => (await Scenario.NewMerchantAsync(this)).Http;

    /// <summary>Creates, activates (one activation attempt) and connects a terminal with the SDK,
    /// so it can ask for pairing codes.</summary>
    public async Task<RelayTerminalClient> NewTerminalAsync(HttpClient merchant)
    {
        var created = await merchant.PostJson("/api/v1/terminals", new { label = "Till" }).Expect(201);
        var activation = await ActivateAsync(created.Str("activationCode")).Expect(200);
        var terminal = await this.ConnectAsync(activation.Str("terminalId"), activation.Str("deviceToken"), simulate: false);
        return terminal.Client;
    }
}
