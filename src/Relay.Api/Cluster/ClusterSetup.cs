namespace Relay.Api.Cluster;

public static class ClusterSetup
{
    /// <summary>This instance among the others on one PostgreSQL: its heartbeat, who else is there, and their hints.</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services) => services
        .AddSingleton<ThisInstance>()
        .AddSingleton<Peers>()
        .AddSingleton<PeerInterests>()
        .AddScoped<PeerNotify>()
        .AddHostedService<InstanceHeartbeat>()
        .AddHostedService<PeerListener>();
}
