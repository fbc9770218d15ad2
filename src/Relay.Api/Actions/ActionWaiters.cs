using Relay.Api.Infrastructure;

namespace Relay.Api.Actions;

/// <summary>Requests waiting (Prefer: wait) for an action to end.</summary>
public sealed class ActionWaiters : Signals<Guid, TerminalActionResponse>;
