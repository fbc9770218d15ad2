namespace Relay.Api.Hubs;

/// <summary>
/// A server → terminal message for a terminal another instance holds, as a notification payload of ids only:
/// <c>p:{terminalId}:{method}:{argument}</c>. The holding instance reads the rest from the database.
/// </summary>
public sealed record TerminalPush(Guid TerminalId, string Method, string Argument)
{
    public override string ToString() => $"p:{TerminalId}:{Method}:{Argument}";

    public static bool TryParse(string payload, out TerminalPush push)
    {
        push = null!;
        var parts = payload.Split(':', 4);
        if (parts.Length != 4 || parts[0] != "p" || !Guid.TryParse(parts[1], out var terminalId))
        {
            return false;
        }

        push = new TerminalPush(terminalId, parts[2], parts[3]);
        return true;
    }
}
