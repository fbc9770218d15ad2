using Relay.Api.Infrastructure;

namespace Relay.Api.Events;

/// <summary>Wakes event streams when an account's events commit, keyed by the account id.</summary>
public sealed class EventSignals : Signals<Guid>;
