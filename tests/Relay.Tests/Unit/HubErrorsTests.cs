using Microsoft.AspNetCore.SignalR;
using Relay.Api.Hubs;
using Serilog.Events;
using Serilog.Parsing;

namespace Relay.Tests.Unit;

public sealed class HubErrorsTests
{
    [Fact]
    public void OnlyTheDispatchersCopyOfARefusalIsDropped()
    {
        LogEvent Event(string source, Exception exception) => new(DateTimeOffset.UtcNow, LogEventLevel.Error, exception,
            new MessageTemplateParser().Parse("Failed to invoke hub method"),
            [new LogEventProperty("SourceContext", new ScalarValue(source))]);
        const string dispatcher = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

        Assert.True(HubErrors.IsDispatcherCopy(Event(dispatcher, new HubException("outcome is required"))));
        Assert.False(HubErrors.IsDispatcherCopy(Event(dispatcher, new InvalidOperationException("a real fault"))));
        Assert.False(HubErrors.IsDispatcherCopy(Event("Relay.Api.Transactions.TransactionService", new HubException("x"))));
    }
}
