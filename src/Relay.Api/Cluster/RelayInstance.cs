namespace Relay.Api.Cluster;

/// <summary>
/// A running relay process, as the database knows it: its heartbeat says it is alive. Terminals held by an instance
/// whose heartbeat stopped are shown offline by the survivors.
/// </summary>
public sealed class RelayInstance
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset HeartbeatAt { get; set; }
}

/// <summary>This process's identity among the relay instances sharing the database.</summary>
public sealed class ThisInstance
{
    public Guid Id { get; } = Guid.CreateVersion7();
    public string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";
}
