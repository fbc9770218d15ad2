namespace Relay.Api.Events;

/// <summary>The event types of the public contract.</summary>
public static class EventTypes
{
    public const string TransactionUpdated = "transaction.updated";
    public const string PairingChanged = "pairing.changed";
    public const string TerminalOnline = "terminal.online";
    public const string TerminalOffline = "terminal.offline";
    public const string TerminalDisplay = "terminal.display";
    public const string TerminalPrint = "terminal.print";
    public const string TerminalInputRequested = "terminal.input_requested";
    public const string TerminalEvent = "terminal.event";
    public const string TerminalInputAnswered = "terminal.input_answered";
    public const string TerminalActionUpdated = "terminal_action.updated";
    public const string SettlementReported = "settlement.reported";
    public const string ConfigurationChanged = "configuration.changed";

    public static readonly IReadOnlyList<string> All =
    [
        TransactionUpdated, PairingChanged, TerminalOnline, TerminalOffline, TerminalDisplay, TerminalPrint,
        TerminalInputRequested, TerminalInputAnswered, TerminalEvent, TerminalActionUpdated, SettlementReported,
        ConfigurationChanged,
    ];
}
