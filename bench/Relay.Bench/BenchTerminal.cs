using System.Diagnostics;
using System.Text.Json;

namespace Relay.Bench;

/// <summary>
/// A simulated terminal: on StartTransaction it acknowledges, starts and approves at once (a card tapped in no time),
/// as the terminal protocol asks: TransactionReceived → TransactionStarted → CompleteTransaction.
/// </summary>
public sealed class BenchTerminal(string token)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private string? _current;

    public string Token => token;

    /// <summary>The register paired with this terminal; null for terminals that only stay connected.</summary>
    public string? RegisterId { get; set; }

    public HubClient? Connection { get; private set; }

    public int Errors;

    /// <summary>When the payment in hand reached each step (Stopwatch timestamps; 0 until reached), for the phase breakdown.</summary>
    public PaymentSteps Steps { get; private set; } = new();

    public async Task ConnectAsync(Uri baseUrl, CancellationToken ct)
    {
        var hub = new UriBuilder(baseUrl)
        {
            Scheme = "ws", Path = "/hubs/terminal", Query = "access_token=" + Uri.EscapeDataString(token)
        }.Uri;
        Connection = await HubClient.ConnectAsync(hub, OnInvocation, ct);
    }

    /// <summary>A round trip through the hub, answered only once the relay has finished connecting the terminal.</summary>
    public Task ReadyAsync() =>
        Connection!.InvokeAsync("TransactionStarted", [Guid.Empty.ToString()], CallTimeout); // no such transaction: "unknown"

    private void OnInvocation(HubClient hub, string target, JsonElement arguments)
    {
        if (target != "StartTransaction") return;
        var id = arguments[0].GetProperty("id").GetString()!;
        if (Interlocked.Exchange(ref _current, id) == id) return; // a repeat of the one in hand
        var steps = Steps = new PaymentSteps { Pushed = Stopwatch.GetTimestamp() };
        _ = RunAsync(hub, id, steps);
    }

    private async Task RunAsync(HubClient hub, string id, PaymentSteps steps)
    {
        try
        {
            var received = await hub.InvokeAsync("TransactionReceived", [id], CallTimeout);
            steps.Received = Stopwatch.GetTimestamp();
            if (!received.GetProperty("proceed").GetBoolean()) return;
            await hub.InvokeAsync("TransactionStarted", [id], CallTimeout);
            steps.Started = Stopwatch.GetTimestamp();
            await hub.InvokeAsync("CompleteTransaction",
                [new { transactionId = id, outcome = "approved", responseCode = "00", authCode = "A1B2C3",
                    cardScheme = "visa", maskedPan = "**** 4242" }],
                CallTimeout);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref Errors);
        }
    }
}

/// <summary>Stopwatch timestamps of one payment's steps at the terminal: the push arrived, receipt and start acknowledged.</summary>
public sealed class PaymentSteps
{
    public long Pushed;
    public long Received;
    public long Started;
}
