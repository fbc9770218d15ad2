using System.Diagnostics;

namespace Relay.Faults;

/// <summary>When in a payment's life the fault strikes.</summary>
/// <remarks>Decided: the terminal has its outcome (the card charged) and has not reported it yet.</remarks>
public enum Point { Created, Delivered, Started, Decided, Result }

public enum Fault { KillRelay, DropSockets, KillTerminal, RestartPostgres, RetryStorm, FailoverPostgres }

public sealed record Scenario(Fault Fault, Point Point)
{
    public string Name => Fault switch
    {
        Fault.KillRelay => "relay instance SIGKILLed " + When,
        Fault.DropSockets => "terminal sockets dropped " + When,
        Fault.KillTerminal => "terminal app SIGKILLed, restarted " + When,
        Fault.RestartPostgres => "PostgreSQL restarted " + When,
        Fault.FailoverPostgres => "PostgreSQL primary killed, standby promoted " + When,
        _ => "retry storm, one key, both instances",
    };

    private string When => Point switch
    {
        Point.Created => "after create",
        Point.Delivered => "after delivery",
        Point.Started => "after start",
        Point.Decided => "after outcome, before report",
        _ => "after result, before ack",
    };

    public static IReadOnlyList<Scenario> All =>
    [
        .. new[] { Fault.KillRelay, Fault.DropSockets, Fault.KillTerminal }
            .SelectMany(f => Enum.GetValues<Point>().Where(p => p != Point.Decided).Select(p => new Scenario(f, p))),
        // Only the terminal's own death can lose what it decided.
        new(Fault.KillTerminal, Point.Decided),
        new(Fault.RestartPostgres, Point.Started),
        new(Fault.RetryStorm, Point.Created),
    ];

    /// <summary>Run on a topology of their own: a primary with a synchronous standby.</summary>
    public static IReadOnlyList<Scenario> Replicated => [new(Fault.FailoverPostgres, Point.Started)];
}

/// <summary>One payment the suite made: what the POS asked for, and what came of it.</summary>
public sealed class Payment(SimulatorProcess terminal, string registerId, long amount, string key)
{
    public SimulatorProcess Terminal => terminal;
    public string RegisterId => registerId;
    public long Amount => amount;
    public string Key => key;
    public string? Id { get; set; }
    public string? FinalStatus { get; set; }
    public string? ResultOutcome { get; set; }
    public bool Doubled { get; set; }

    /// <summary>The simulator declines amounts ending in 51 and approves the others used here.</summary>
    public string Expected => amount % 100 == 51 ? "declined" : "approved";
}

/// <param name="Missed">Rounds where the payments never reached the fault's point in time: the fault struck elsewhere,
/// so the row would not show what it claims.</param>
public sealed record Row(string Scenario, int Payments, int Lost, int Doubled, int Wrong, int Missed, TimeSpan Took)
{
    public bool Passed => Payments > 0 && Lost == 0 && Doubled == 0 && Wrong == 0 && Missed == 0;
}

/// <summary>Runs a scenario: rounds of one payment per terminal, the fault injected at its point, then the reckoning.</summary>
public sealed class ScenarioRunner(Topology topology, int rounds, int delayMs, Action<string> log)
{
    private static readonly string[] Final = ["approved", "declined", "cancelled", "failed", "expired"];
    private int _sequence;
    private int _missed;
    private int _outageWrong;

    public async Task<Row> RunAsync(Scenario scenario)
    {
        var clock = Stopwatch.StartNew();
        _missed = 0;
        _outageWrong = 0;
        var payments = new List<Payment>();
        for (var round = 0; round < rounds; round++)
        {
            await Until(topology.AllOnlineAsync, TimeSpan.FromSeconds(30), "every terminal is online", counts: false);
            var batch = topology.Terminals.Select(t =>
            {
                var n = Interlocked.Increment(ref _sequence);
                return new Payment(t, topology.Registers[t], 1000 + n * 100 + (n % 4 == 0 ? 51 : 0), $"faults-{Guid.NewGuid():N}");
            }).ToList();
            payments.AddRange(batch);

            using var createTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Task.WhenAll(batch.Select(p =>
                scenario.Fault == Fault.RetryStorm ? StormAsync(p, createTimeout.Token) : CreateAsync(p, createTimeout.Token)));
            await InjectAsync(scenario, batch);
            await SettleAsync(batch, TimeSpan.FromSeconds(90));
        }

        foreach (var p in payments.Where(p => p.Id is not null))
        {
            p.Doubled |= await topology.TransactionsWithReferenceAsync(p.Key) != 1 || p.Terminal.Outcomes(p.Id!) > 1;
        }

        var lost = payments.Count(p => p.FinalStatus is null);
        var doubled = payments.Count(p => p.Doubled);
        var wrong = _outageWrong
                    + payments.Count(p => p.FinalStatus is not null && (p.FinalStatus != p.Expected || p.ResultOutcome != p.FinalStatus));
        foreach (var p in payments.Where(p =>
            p.FinalStatus is null || p.Doubled || p.FinalStatus != p.Expected || p.ResultOutcome != p.FinalStatus))
        {
            log($"  ! {p.Id ?? "(no id)"} on {p.Terminal.Name}: expected {p.Expected}, " +
                $"got {p.FinalStatus ?? "nothing"} (result {p.ResultOutcome ?? "none"}), doubled {p.Doubled}");
        }

        return new Row(scenario.Name, payments.Count, lost, doubled, wrong, _missed, clock.Elapsed);
    }

    private async Task CreateAsync(Payment p, CancellationToken ct)
    {
        try
        {
            p.Id = await topology.Pos.PurchaseAsync(p.RegisterId, p.Amount, p.Key, ct);
        }
        catch (Exception e)
        {
            log($"  ! could not create a payment on {p.RegisterId}: {e.Message}");
        }
    }

    /// <summary>Twenty impatient retries of one payment at once, half to each instance: one transaction must come of it.</summary>
    private async Task StormAsync(Payment p, CancellationToken ct)
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => topology.DirectPos[i % 2].PurchaseAsync(p.RegisterId, p.Amount, p.Key, ct)));
        p.Id = ids[0];
        p.Doubled = ids.Distinct().Count() != 1;
    }

    private async Task InjectAsync(Scenario scenario, List<Payment> batch)
    {
        var terminals = batch.Select(p => p.Terminal).ToList();
        if (scenario.Fault == Fault.RetryStorm)
        {
            return;
        }

        if (scenario.Point == Point.Decided)
        {
            // Each terminal dies the moment it prints its outcome, while it shows and prints it (calls to the relay) and
            // before it reports it: what it decided must be what the relay gets, the card not charged again.
            await Task.WhenAll(terminals.Select(async t =>
            {
                var payment = batch.First(p => p.Terminal == t);
                await Until(() => Task.FromResult(payment.Id is null || t.Outcomes(payment.Id) > 0), TimeSpan.FromSeconds(30),
                    $"{t.Name} has its outcome", pollMs: 1);
                t.Kill();
                t.Start(delayMs);
            }));
            return;
        }

        if (scenario.Point == Point.Result)
        {
            // Hold the result in flight: freeze the instances holding the terminals, let the terminals finish the card
            // and send their results into the frozen sockets, then strike.
            await ReachAsync(batch, "in_progress");
            var holders = await topology.HoldersAsync(terminals);
            holders.ForEach(r => r.Freeze());
            var statuses = new Dictionary<string, string>();
            await Until(async () =>
            {
                statuses = await topology.StatusesAsync(batch.Where(p => p.Id is not null).Select(p => p.Id!));
                return batch.All(p => p.Terminal.HasUnacknowledgedResult
                    || (p.Id is not null && Final.Contains(statuses.GetValueOrDefault(p.Id))));
            }, TimeSpan.FromSeconds(30), "the terminals sent their results");
            switch (scenario.Fault)
            {
                case Fault.KillRelay:
                    holders.ForEach(r => r.Kill());
                    foreach (var relay in holders) await relay.StartAsync();
                    break;
                case Fault.DropSockets:
                    topology.TerminalLb.DropAll();
                    holders.ForEach(r => r.Resume());
                    break;
                case Fault.KillTerminal:
                    terminals.ForEach(t => t.Kill());
                    holders.ForEach(r => r.Resume());
                    terminals.ForEach(t => t.Start(delayMs));
                    break;
            }

            return;
        }

        if (scenario.Point == Point.Delivered) await ReachAsync(batch, "delivered");
        if (scenario.Point == Point.Started) await ReachAsync(batch, "in_progress");
        switch (scenario.Fault)
        {
            case Fault.KillRelay:
                var holders = await topology.HoldersAsync(terminals);
                holders.ForEach(r => r.Kill());
                foreach (var relay in holders) await relay.StartAsync();
                break;
            case Fault.DropSockets:
                topology.TerminalLb.DropAll();
                break;
            case Fault.KillTerminal:
                terminals.ForEach(t => t.Kill());
                terminals.ForEach(t => t.Start(delayMs));
                break;
            case Fault.RestartPostgres:
                await topology.Postgres.RestartAsync();
                topology.Database.Clear(); // the suite's own pooled connections died with the server
                break;
            case Fault.FailoverPostgres:
                await topology.FailoverAsync(() => OutageAnswersAsync(batch));
                break;
        }
    }

    /// <summary>
    /// With no primary, each instance must answer the POS 503 with Retry-After (it cannot know the payment's state), not an
    /// error or an invented answer; anything else counts as wrong.
    /// </summary>
    private async Task OutageAnswersAsync(List<Payment> batch)
    {
        if (batch.FirstOrDefault(p => p.Id is not null)?.Id is not { } id) return;
        foreach (var (pos, i) in topology.DirectPos.Select((pos, i) => (pos, i)))
        {
            var (status, retryAfter) = await pos.ProbeAsync(id);
            if (status == 503 && retryAfter) continue;
            _outageWrong++;
            log($"  ! with no primary, instance {topology.Relays[i].Name} answered {status}{(retryAfter ? "" : " without Retry-After")}");
        }
    }

    /// <summary>Waits until every payment got at least to <paramref name="status"/> (or past it).</summary>
    private async Task ReachAsync(List<Payment> batch, string status)
    {
        string[] atOrPast = status == "delivered"
            ? ["delivered", "in_progress", "cancel_requested", .. Final]
            : ["in_progress", "cancel_requested", .. Final];
        await Until(async () =>
        {
            var statuses = await topology.StatusesAsync(batch.Where(p => p.Id is not null).Select(p => p.Id!));
            return batch.All(p => p.Id is null || atOrPast.Contains(statuses.GetValueOrDefault(p.Id)));
        }, TimeSpan.FromSeconds(30), $"the payments are {status}");
    }

    /// <summary>Asks the relay, as the POS would, until every payment is final or the time is up.</summary>
    private async Task SettleAsync(List<Payment> batch, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        foreach (var p in batch.Where(p => p.Id is not null))
        {
            while (!cts.IsCancellationRequested)
            {
                var transaction = await topology.Pos.GetAsync(p.Id!, cts.Token)
                    .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
                var status = (string?)transaction?["status"];
                if (status is not null && Final.Contains(status))
                {
                    p.FinalStatus = status;
                    p.ResultOutcome = (string?)transaction!["result"]?["outcome"];
                    break;
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, bool counts = true, int pollMs = 25)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception)
            {
                // The database may be restarting; ask again.
            }

            await Task.Delay(pollMs);
        }

        log($"  ! waited {timeout.TotalSeconds} s and still not: {what}; striking anyway");
        if (counts) _missed++;
    }
}
