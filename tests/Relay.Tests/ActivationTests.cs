using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class ActivationTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task ActivatingWithTheCodeReturnsTheTerminalsDeviceTokenWithoutAnAccountKey()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Till" }).Expect(201);

        var activation = await relay.ActivateAsync(created.Str("activationCode"), "SN-1001", "Sim", "1.0.0").Expect(200);

        Assert.Equal(created.Str("id"), activation.Str("terminalId"));
        Assert.Equal("/hubs/terminal", activation.Str("hubPath"));
        var token = activation.Str("deviceToken");
        Assert.False(string.IsNullOrWhiteSpace(token));
        Assert.True(await relay.HubAcceptsAsync(token), "the hub refused the new device token");
        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{created.Str("id")}").Expect(200);
        Assert.Equal("activated", shown.Str("status"));
        Assert.Equal("SN-1001", shown.Str("serialNumber"));
    }

    [Fact]
    public async Task AnActivationCodeWorksOnlyOnce()
    {
        var merchant = await relay.NewMerchantAsync();
        var code = await merchant.NewActivationCodeAsync();
        var first = await relay.ActivateAsync(code, "SN-A").Expect(200);

        await relay.ActivateAsync(code, "SN-B").ExpectProblem(400, "activation-code-invalid");

        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{first.Str("terminalId")}").Expect(200);
        Assert.Equal("SN-A", shown.Str("serialNumber"));
        Assert.True(await relay.HubAcceptsAsync(first.Str("deviceToken")), "the refused second activation revoked the first device");
    }

    [Theory]
    [InlineData("ABCDE-FGHJK")]
    [InlineData("not a code at all")]
    public async Task AnUnknownActivationCodeIsRefused(string code)
    {
        await relay.ActivateAsync(code).ExpectProblem(400, "activation-code-invalid");
    }

    [Fact]
    public async Task AnExpiredActivationCodeIsRefused()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Till" }).Expect(201);

        relay.Clock.Advance(TimeSpan.FromHours(25));

        await relay.ActivateAsync(created.Str("activationCode")).ExpectProblem(400, "activation-code-invalid");
        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{created.Str("id")}").Expect(200);
        Assert.Equal("created", shown.Str("status"));
    }

    [Fact]
    public async Task ActivationCodesAreAcceptedRegardlessOfCaseAndDashes()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Till" }).Expect(201);
        var code = created.Str("activationCode");
        Assert.Contains("-", code);

        var typed = code.Replace("-", "").ToLowerInvariant();
        var activation = await relay.ActivateAsync(typed).Expect(200);

        Assert.Equal(created.Str("id"), activation.Str("terminalId"));
    }

    [Fact]
    public async Task ActivationWithoutASerialNumberIsAValidationErrorAndKeepsTheCode()
    {
        var merchant = await relay.NewMerchantAsync();
        var code = await merchant.NewActivationCodeAsync();

        var problem = await relay.ActivateAsync(code, serialNumber: null).ExpectProblem(400, "validation-failed");

        Assert.NotNull(problem["errors"]?["serialNumber"]);
        await relay.ActivateAsync(code, "SN-LATER").Expect(200);
    }

    [Fact]
    public async Task ANewActivationCodeReplacesTheUnusedOne()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Till" }).Expect(201);
        var id = created.Str("id");

        var reissued = await merchant.Http.PostAsync($"/api/v1/terminals/{id}/activation-code", null).Expect(201);

        Assert.NotEqual(created.Str("activationCode"), reissued.Str("activationCode"));
        Assert.True(DateTimeOffset.Parse(reissued.Str("activationCodeExpiresAt")) > relay.Clock.GetUtcNow().AddHours(23));
        await relay.ActivateAsync(created.Str("activationCode")).ExpectProblem(400, "activation-code-invalid");
        var activation = await relay.ActivateAsync(reissued.Str("activationCode")).Expect(200);
        Assert.Equal(id, activation.Str("terminalId"));
    }
}
