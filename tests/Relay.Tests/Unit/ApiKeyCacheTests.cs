using Relay.Api.Security;

namespace Relay.Tests.Unit;

public sealed class ApiKeyCacheTests
{
    private static readonly Guid Account = Guid.NewGuid();

    [Fact]
    public void RemembersAKeyUntilItsAccountsKeysAreForgotten()
    {
        var cache = new ApiKeyCache(TimeProvider.System);
        cache.Add("hash", Account, cache.Version);
        Assert.Equal(Account, cache.Find("hash"));

        cache.Forget(Account);

        Assert.Null(cache.Find("hash"));
    }

    [Fact]
    public void AKeyReadBeforeADeletionIsNotRememberedAfterIt()
    {
        var cache = new ApiKeyCache(TimeProvider.System);
        var version = cache.Version; // a request starts reading the key from the database
        cache.Forget(Account);       // meanwhile a key of the account is deleted

        cache.Add("hash", Account, version);

        Assert.Null(cache.Find("hash"));
    }
}
