namespace Relay.Tests.Infrastructure;

/// <summary>One relay with fast heartbeats, over its own database: it is alone ten seconds after the last sign
/// of another instance.</summary>
public sealed class LoneInstanceFixture() : RelayFixture(new Dictionary<string, string>
{
    ["Relay:Cluster:HeartbeatInterval"] = "00:00:00.250",
    ["Relay:Cluster:DeadAfter"] = "00:00:10",
});
