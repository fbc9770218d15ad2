using System.Collections.Concurrent;
using Npgsql;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// An instance that is alone sends no hints for other instances (a payment's end makes one database transaction fewer),
/// and sends them again as soon as another instance announces itself. Hints are read from the relay's own LISTEN channel;
/// a marker notified after the terminal's result was acknowledged shows that no hint for it came before.
/// </summary>
public sealed class LoneInstanceTests(LoneInstanceFixture relay) : IClassFixture<LoneInstanceFixture>
{
    [Fact]
    public async Task AloneItSendsNoHintsForOtherInstancesAndSendsThemAgainOnceAnotherAnnouncesItself()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await using var channel = await HintChannel.ListenAsync(relay.ConnectionString);

        async Task<bool> PaymentSentItsHint()
        {
            var id = (await merchant.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");
            await terminal.AcceptNextAsync();
            var ack = await terminal.Client.CompleteTransactionAsync(
                new TerminalResult(id, TransactionOutcome.Approved) { ResponseCode = "00" });
            Assert.True(ack.Accepted);
            return (await channel.UntilMarkerAsync()).Contains("t:" + id);
        }

        // Just started, it sends hints (an instance may have announced itself before it listened); then it is alone.
        await Scenario.Eventually(async () => !await PaymentSentItsHint(), "a payment on the lone instance sends no hint", seconds: 20);
        Assert.False(await PaymentSentItsHint());

        // Another instance announces itself (as one does when it starts): hints go out again.
        await channel.NotifyAsync("i:" + Guid.NewGuid());
        await Scenario.Eventually(PaymentSentItsHint, "a payment sends its hint once another instance is there", seconds: 4);
    }

    /// <summary>The relay's notification channel, as another instance hears it.</summary>
    private sealed class HintChannel : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly BlockingCollection<string> _heard = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reading;

        private HintChannel(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, n) => _heard.Add(n.Payload);
            _reading = Task.Run(async () =>
            {
                try
                {
                    while (true) await _connection.WaitAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public static async Task<HintChannel> ListenAsync(string connectionString)
        {
            var _connection = new NpgsqlConnection(connectionString);
            await _connection.OpenAsync();
            await using (var listen = new NpgsqlCommand("LISTEN relay", _connection))
            {
                await listen.ExecuteNonQueryAsync();
            }

            return new HintChannel(_connection);
        }

        /// <summary>Notifies on a connection of its own (this one is busy waiting).</summary>
        public async Task NotifyAsync(string payload)
        {
            await using var other = new NpgsqlConnection(_connection.ConnectionString);
            await other.OpenAsync();
            await using var notify = new NpgsqlCommand("SELECT pg_notify('relay', $1)", other)
            {
                Parameters = { new() { Value = payload } }
            };
            await notify.ExecuteNonQueryAsync();
        }

        /// <summary>What was notified before a marker sent now: notifications arrive in commit order.</summary>
        public async Task<List<string>> UntilMarkerAsync()
        {
            var marker = "marker:" + Guid.NewGuid();
            await NotifyAsync(marker);
            var before = new List<string>();
            while (_heard.TryTake(out var payload, TimeSpan.FromSeconds(10)) && payload != marker)
            {
                before.Add(payload);
            }

            return before;
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _reading;
            await _connection.DisposeAsync();
        }
    }
}
