namespace Relay.Api.Cluster;

/// <summary>
/// What one relay instance tells the others through PostgreSQL (NOTIFY): ids only, a hint that something committed;
/// the instance that hears it reads the rest from the database. This type alone writes and reads the payloads.
/// </summary>
/// <remarks>
/// A hint goes to the instances that need it (<see cref="PeerNotify"/>): one about a topic to those waiting on it
/// (<see cref="Topic"/>), one for a terminal to the instance holding it (<see cref="Terminal"/>), the rest to all.
/// </remarks>
public abstract record PeerHint
{
    /// <summary>Whether it is sent while this instance is alone (see <see cref="Peers"/>): only when no re-read covers a lost
    /// one.</summary>
    public virtual bool SentWhenAlone => false;

    /// <summary>What the instances that hear it wait on (<see cref="PeerInterests"/>), or null: it is not for waiters.</summary>
    public virtual string? Topic => null;

    /// <summary>The terminal whose instance hears it alone, or null.</summary>
    public virtual Guid? Terminal => null;

    /// <summary>A transaction became final: Prefer: wait requests elsewhere answer (they also re-read within a second).</summary>
    public sealed record TransactionFinished(Guid TransactionId) : PeerHint
    {
        public static string TopicOf(Guid transactionId) => $"t:{transactionId}";
        public override string Topic => TopicOf(TransactionId);
    }

    /// <summary>A terminal action ended: Prefer: wait requests elsewhere answer (they also re-read within a second).</summary>
    public sealed record ActionFinished(Guid ActionId) : PeerHint
    {
        public static string TopicOf(Guid actionId) => $"a:{actionId}";
        public override string Topic => TopicOf(ActionId);
    }

    /// <summary>The account's events were numbered: streams elsewhere read them (they also re-read at their interval).</summary>
    public sealed record EventsNumbered(Guid AccountId) : PeerHint
    {
        public static string TopicOf(Guid accountId) => $"e:{accountId}";
        public override string Topic => TopicOf(AccountId);
    }

    /// <summary>An API key of the account was deleted: instances drop the account's cached keys.</summary>
    public sealed record KeysChanged(Guid AccountId) : PeerHint
    {
        public override bool SentWhenAlone => true;
    }

    /// <summary>An instance started: the others send it hints from now on.</summary>
    public sealed record InstanceStarted(Guid InstanceId) : PeerHint
    {
        public override bool SentWhenAlone => true;
    }

    /// <summary>
    /// A server → terminal message for a terminal another instance may hold: the method and the ids it is read from
    /// (a transaction id, a register id, or <c>transactionId:requestId</c>). Always sent: an input answer or a pairing
    /// change has no re-send to fall back on.
    /// </summary>
    public sealed record TerminalPush(Guid TerminalId, string Method, string Argument) : PeerHint
    {
        public override bool SentWhenAlone => true;
        public override Guid? Terminal => TerminalId;
    }

    /// <summary>
    /// A level of an account's fleet configuration changed (<paramref name="Scope"/> account, store or terminal, and its key:
    /// "", the store id or the terminal id), on <paramref name="FromInstance"/>, which pushed to its own terminals: every other
    /// instance pushes the new effective configuration to the terminals it holds that the level covers. Always sent: only the
    /// terminal's next connect would make up for a lost one.
    /// </summary>
    public sealed record ConfigurationChanged(Guid AccountId, Guid FromInstance, string Scope, string Key) : PeerHint
    {
        public override bool SentWhenAlone => true;
    }

    /// <summary>The notification payload: a one-letter kind, a colon, the ids (a topic is its own payload).</summary>
    public string Encode() => this switch
    {
        { Topic: { } topic } => topic,
        KeysChanged h => $"k:{h.AccountId}",
        InstanceStarted h => $"i:{h.InstanceId}",
        TerminalPush h => $"p:{h.TerminalId}:{h.Method}:{h.Argument}",
        ConfigurationChanged h => $"c:{h.AccountId}:{h.FromInstance}:{h.Scope}:{h.Key}",
        _ => throw new InvalidOperationException($"No payload for {GetType().Name}."),
    };

    /// <summary>The hint a payload carries, or null for one this version does not know (sent by a newer instance, say).</summary>
    public static PeerHint? Decode(string payload)
    {
        var parts = payload.Split(':', 4);
        if (parts.Length < 2 || !Guid.TryParse(parts[1], out var id))
        {
            return null;
        }

        return (parts[0], parts.Length) switch
        {
            ("t", 2) => new TransactionFinished(id),
            ("a", 2) => new ActionFinished(id),
            ("e", 2) => new EventsNumbered(id),
            ("k", 2) => new KeysChanged(id),
            ("i", 2) => new InstanceStarted(id),
            ("p", 4) => new TerminalPush(id, parts[2], parts[3]),
            // The key (a store id) is the rest, colons and all.
            ("c", 4) when Guid.TryParse(parts[2], out var from) && parts[3].Split(':', 2) is [var scope, var key] =>
                new ConfigurationChanged(id, from, scope, key),
            _ => null,
        };
    }
}
