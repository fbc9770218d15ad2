using Microsoft.AspNetCore.SignalR;
using Relay.Api.Infrastructure;

namespace Relay.Api.Hubs;

public static class TerminalHubSetup
{
    /// <summary>
    /// SignalR for terminals (JSON, the relay's conventions), and what holds and tracks their connections. After
    /// <see cref="Cluster.ClusterSetup.AddCluster"/>: its services stop before the instance leaves the database.
    /// </summary>
    public static IServiceCollection AddTerminalHub(this IServiceCollection services)
    {
        services.AddSignalR(o =>
            {
                o.AddFilter<HubErrors>();
                o.EnableDetailedErrors = true; // safe: HubErrors lets only refusals' own messages through (a binding error says what it is)
                o.MaximumReceiveMessageSize = 256 * 1024;
                o.KeepAliveInterval = TimeSpan.FromSeconds(15); // the terminal hears from the relay at least this often
                                                                // (half the clients' 30 s)
                o.ClientTimeoutInterval = TimeSpan.FromSeconds(30); // a terminal silent this long (no keep-alive) is disconnected
            })
            .AddJsonProtocol(o => RelayJson.Configure(o.PayloadSerializerOptions));
        return services
            .AddSingleton<TerminalConnections>()
            .AddScoped<TerminalChannel>()
            .AddSingleton<TerminalPresence>()
            .AddHostedService<OrphanedTerminals>()
            .AddHostedService<PendingWorkResend>();
    }
}
