namespace Relay.Terminal.Simulator;

/// <summary>
/// Shows a pairing code until a register pairs: asks the relay for one, prints it, and asks for a fresh one when it
/// expires. Starts again if every register this session saw pair is unpaired.
/// </summary>
internal sealed class PairingPrompt
{
    private readonly RelayTerminalClient _client;
    private readonly StepWriter _output;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _pairedRegisters = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    public PairingPrompt(RelayTerminalClient client, TextWriter output)
    {
        _client = client;
        _output = new StepWriter(output);
    }

    /// <summary>Runs until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _client.PairingChanged += OnPairingChangedAsync;
        _client.Connected += OnConnectedAsync;
        try
        {
            while (true)
            {
                var (changed, paired) = Snapshot();
                if (paired || !_client.IsConnected)
                {
                    await changed.WaitAsync(ct);
                    continue;
                }

                PairingCode code;
                try
                {
                    code = await _client.RequestPairingCodeAsync(ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    _output.Print($"Could not get a pairing code ({ex.Message}); trying again shortly");
                    await Task.Delay(TimeSpan.FromSeconds(2), ct);
                    continue;
                }

                Show(code);
                await WaitForExpiryOrPairingAsync(code, ct);
            }
        }
        finally
        {
            _client.PairingChanged -= OnPairingChangedAsync;
            _client.Connected -= OnConnectedAsync;
        }
    }

    private async Task WaitForExpiryOrPairingAsync(PairingCode code, CancellationToken ct)
    {
        while (true)
        {
            var (changed, paired) = Snapshot();
            if (paired)
            {
                return;
            }

            var remaining = code.ExpiresAt - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                _output.Print("Pairing code expired; requesting a fresh one");
                return;
            }

            await Task.WhenAny(Task.Delay(remaining, ct), changed);
            ct.ThrowIfCancellationRequested();
        }
    }

    private void Show(PairingCode code)
    {
        var expires = code.ExpiresAt.ToLocalTime();
        var remaining = code.ExpiresAt - DateTimeOffset.UtcNow;
        var inAbout = remaining.TotalSeconds < 120
            ? $"{Math.Max(0, (int)remaining.TotalSeconds)} s"
            : $"{(int)Math.Round(remaining.TotalMinutes)} min";
        _output.Print("Pairing code ready:");
        _output.PrintBlock(
            "",
            "    ==============================",
            $"       PAIRING CODE:  {code.Code}",
            "    ==============================",
            $"    Expires {expires:HH:mm:ss} (in {inAbout}). Enter it at the POS",
            "    (POST /api/v1/pairings { pairingCode, registerId }).",
            "");
    }

    private (Task Changed, bool Paired) Snapshot()
    {
        lock (_lock)
        {
            return (_changed.Task, _pairedRegisters.Count > 0);
        }
    }

    private Task OnPairingChangedAsync(PairingChange change)
    {
        lock (_lock)
        {
            if (change.Paired)
            {
                _pairedRegisters.Add(change.RegisterId);
            }
            else
            {
                _pairedRegisters.Remove(change.RegisterId);
            }
        }

        Pulse();
        return Task.CompletedTask;
    }

    private Task OnConnectedAsync()
    {
        Pulse();
        return Task.CompletedTask;
    }

    private void Pulse()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _changed;
            _changed = NewSignal();
        }

        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
