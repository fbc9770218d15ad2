using System.Threading.Channels;
using Relay.Terminal;
using Relay.Terminal.Simulator;

namespace Relay.Tests.Infrastructure;

/// <summary>A terminal through the real SDK over the test server's WebSocket, recording what the relay sends it.</summary>
public sealed class TestTerminal : IAsyncDisposable
{
    private readonly Channel<TerminalTransaction> _starts = Channel.CreateUnbounded<TerminalTransaction>();
    private readonly Channel<string> _cancels = Channel.CreateUnbounded<string>();
    private readonly Channel<PairingChange> _pairingChanges = Channel.CreateUnbounded<PairingChange>();

    public TestTerminal(string terminalId, string deviceToken, string outboxDirectory, RelayTerminalClient client)
    {
        TerminalId = terminalId;
        DeviceToken = deviceToken;
        OutboxDirectory = outboxDirectory;
        Client = client;
        client.StartTransactionReceived += t => { _starts.Writer.TryWrite(t); return Task.CompletedTask; };
        client.CancelRequested += id => { _cancels.Writer.TryWrite(id); return Task.CompletedTask; };
        client.PairingChanged += c => { _pairingChanges.Writer.TryWrite(c); return Task.CompletedTask; };
    }

    public string TerminalId { get; }
    public string DeviceToken { get; }
    public string OutboxDirectory { get; }
    public RelayTerminalClient Client { get; }
    public SimulatedTerminal? Simulator { get; set; }
    public StringWriter Output { get; } = new();

    public Task<TerminalTransaction> NextStart(int seconds = Scenario.Patience) => Next(_starts, seconds);
    public Task<string> NextCancel(int seconds = Scenario.Patience) => Next(_cancels, seconds);
    public Task<PairingChange> NextPairingChange(int seconds = Scenario.Patience) => Next(_pairingChanges, seconds);

    /// <summary>True when nothing arrived within the window: for "the terminal never sees it".</summary>
    public async Task<bool> NoStartWithin(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            await _starts.Reader.WaitToReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private static async Task<T> Next<T>(Channel<T> channel, int seconds)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await channel.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Simulator is not null) await Simulator.DisposeAsync();
        await Client.DisposeAsync();
    }
}
