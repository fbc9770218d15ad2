using Relay.Api.Transactions;

namespace Relay.Tests.Unit;

public sealed class PreferWaitTests
{
    [Theory]
    [InlineData("wait=10", 10)]
    [InlineData("respond-async, wait=5", 5)]
    [InlineData("wait=\"7\"", 7)]
    [InlineData("WAIT=3", 3)]
    [InlineData("wait=600", 60)]
    [InlineData("wait=0", 0)]
    public void ReadsTheWaitPreferenceCappedAtSixtySeconds(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), PreferWait.Parse(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("respond-async")]
    [InlineData("wait=-1")]
    [InlineData("wait=soon")]
    public void IgnoresAnythingThatIsNotAValidWait(string? header) => Assert.Null(PreferWait.Parse(header));
}
