using Microsoft.AspNetCore.SignalR;
using Relay.Api.Security;

namespace Relay.Api.Hubs;

/// <summary>
/// A hub method's deliberate refusal (<see cref="HubException"/>: bad input from a terminal) is logged once, as a Warning
/// of one line naming the terminal, the method and the reason. SignalR's dispatcher logs every exception of a hub method
/// at Error with its stack trace, so one misbehaving terminal could flood the error log: Logging drops its copy of these.
/// </summary>
public sealed class HubRefusals(ILogger<HubRefusals> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException refused)
        {
            logger.LogWarning("Terminal {TerminalId}: {HubMethod} refused: {Reason}",
                invocation.Context.User?.FindFirst(RelayClaims.TerminalId)?.Value, invocation.HubMethodName, refused.Message);
            throw;
        }
    }

    /// <summary>Whether a log event is the dispatcher's copy of a refusal logged here.</summary>
    public static bool IsDispatcherCopy(Serilog.Events.LogEvent e) =>
        e.Exception is HubException
        && e.Properties.TryGetValue("SourceContext", out var source)
        && source is Serilog.Events.ScalarValue { Value: "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher" };
}
