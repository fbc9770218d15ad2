using Relay.Api.Security;

namespace Relay.Tests.Unit;

public sealed class SecretsTests
{
    [Fact]
    public void ActivationCodesAreTenUnambiguousSymbolsAndMatchHoweverTheyAreTyped()
    {
        var code = Secrets.NewActivationCode();
        Assert.Matches("^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$", code);
        Assert.Equal(Secrets.Hash(Secrets.NormalizeCode(code)),
            Secrets.Hash(Secrets.NormalizeCode(" " + code.ToLowerInvariant().Replace("-", " ") + " ")));
    }

    [Fact]
    public void PairingCodesAreSixDigits() => Assert.Matches("^[0-9]{6}$", Secrets.NewPairingCode());

    [Fact]
    public void TokensAreStoredAsHashesThatDoNotContainThem()
    {
        var token = Secrets.NewToken("rk_");
        Assert.StartsWith("rk_", token);
        Assert.NotEqual(Secrets.NewToken("rk_"), token);
        Assert.Equal(64, Secrets.Hash(token).Length);
        Assert.DoesNotContain(token[3..], Secrets.Hash(token));
    }
}
