using System.Text.Json;

namespace Relay.Terminal.Simulator;

/// <summary>
/// The simulator's open batch with its acquirer: what it approved since the last settle (payments a POS asked for and
/// standalone ones alike), per type, card scheme and currency. Kept in <c>&lt;state&gt;/batch.json</c> when it has a file, so
/// a restart does not lose it.
/// </summary>
internal sealed class SimulatedBatch(string? path, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private State? _state;

    public void Add(string type, string? cardScheme, string currency, long amount)
    {
        lock (_lock)
        {
            var state = Load();
            var line = state.Totals.FirstOrDefault(t => t.Type == type && t.CardScheme == cardScheme && t.Currency == currency);
            var added = new SettlementTotal(type, (line?.Count ?? 0) + 1, (line?.Amount ?? 0) + amount, currency)
            {
                CardScheme = cardScheme,
            };
            var totals = state.Totals.Where(t => t != line).Append(added).ToList();
            Save(new State(state.OpenedAt ?? clock.GetUtcNow(), totals));
        }
    }

    /// <summary>
    /// Closes the batch: what it held, and a new one started in the same step, so a payment approved while the closed one
    /// is being reported joins the new one. The closed one is the SDK's to deliver from then on (its outbox keeps it).
    /// </summary>
    public (DateTimeOffset? OpenedAt, IReadOnlyList<SettlementTotal> Totals) Close()
    {
        lock (_lock)
        {
            var closed = Load();
            Save(new State(null, []));
            return (closed.OpenedAt, closed.Totals);
        }
    }

    private State Load()
    {
        if (_state is null)
        {
            _state = path is not null && File.Exists(path)
                ? JsonSerializer.Deserialize<State>(File.ReadAllText(path), TerminalJson.Options) ?? new State(null, [])
                : new State(null, []);
        }

        return _state;
    }

    private void Save(State state)
    {
        _state = state;
        if (path is null) return;
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state, TerminalJson.Options));
        File.Move(temp, path, overwrite: true);
    }

    private sealed record State(DateTimeOffset? OpenedAt, List<SettlementTotal> Totals);
}
