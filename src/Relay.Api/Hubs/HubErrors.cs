using Microsoft.AspNetCore.SignalR;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Hubs;

/// <summary>
/// What a terminal is told when a hub call fails, and what the operator reads. SignalR runs with detailed errors, so a
/// terminal's developer learns what was wrong with a call (a wrong argument count or type, from SignalR's binder; a broken
/// rule, from <see cref="HubInput"/>); a fault of the relay's own reaches the terminal only as "could not complete", never
/// its details. A refusal is logged once, as a Warning of one line: SignalR's dispatcher logs every exception of a hub
/// method at Error with its stack, so one misbehaving terminal could flood the error log, and Logging drops that copy.
/// </summary>
public sealed class HubErrors(ILogger<HubErrors> logger) : IHubFilter
{
    /// <summary>The start of the message of a fault of the relay's (not of the call's).</summary>
    public const string FaultMessage = "The relay could not complete";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var terminalId = invocation.Context.User?.FindFirst(RelayClaims.TerminalId)?.Value;
        try
        {
            return await next(invocation);
        }
        catch (HubException refused)
        {
            logger.LogWarning("Terminal {TerminalId}: {HubMethod} refused: {Reason}",
                terminalId, invocation.HubMethodName, refused.Message);
            throw;
        }
        catch (Exception e) when (ExceptionToProblem.IsDatabaseUnavailable(e))
        {
            logger.LogWarning("Terminal {TerminalId}: {HubMethod} failed, the database is unavailable: {Error}",
                terminalId, invocation.HubMethodName, e.Message);
            throw new HubException($"{FaultMessage} {invocation.HubMethodName}: its database is unavailable. Try again shortly.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Terminal {TerminalId}: {HubMethod} failed", terminalId, invocation.HubMethodName);
            throw new HubException($"{FaultMessage} {invocation.HubMethodName}; the error is logged. Try again.");
        }
    }

    /// <summary>Whether a log event is the dispatcher's copy of an error that was logged here.</summary>
    public static bool IsDispatcherCopy(Serilog.Events.LogEvent e) =>
        e.Exception is HubException
        && e.Properties.TryGetValue("SourceContext", out var source)
        && source is Serilog.Events.ScalarValue { Value: "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher" };
}
