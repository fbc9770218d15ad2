using System.Net;
using System.Net.Sockets;

namespace Relay.Faults;

/// <summary>
/// A TCP load balancer on 127.0.0.1, as in front of a real deployment: each new connection goes to the next backend
/// that accepts it (a dead instance is skipped). <see cref="DropAll"/> resets every connection it carries, as a
/// network failure between the clients and the relays would.
/// </summary>
public sealed class TcpBalancer : IAsyncDisposable
{
    private readonly int[] backends;
    private readonly TcpListener listener;
    private readonly Lock gate = new();
    private readonly List<TcpClient> open = [];
    private int next;

    public TcpBalancer(params int[] backendPorts)
    {
        backends = backendPorts;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1024);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public void DropAll()
    {
        lock (gate)
        {
            foreach (var client in open)
            {
                try
                {
                    client.Client?.LingerState = new LingerOption(true, 0);
                }
                catch (ObjectDisposedException)
                {
                }

                client.Dispose();
            }

            open.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient downstream;
            try
            {
                downstream = await listener.AcceptTcpClientAsync();
            }
            catch (Exception)
            {
                return;
            }

            _ = ConnectAsync(downstream);
        }
    }

    private async Task ConnectAsync(TcpClient downstream)
    {
        var start = Interlocked.Increment(ref next);
        for (var i = 0; i < backends.Length; i++)
        {
            var upstream = new TcpClient { NoDelay = true };
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, backends[(start + i) % backends.Length]);
            }
            catch (SocketException)
            {
                upstream.Dispose();
                continue;
            }

            downstream.NoDelay = true;
            lock (gate)
            {
                open.Add(downstream);
                open.Add(upstream);
            }

            _ = PumpAsync(downstream, upstream);
            _ = PumpAsync(upstream, downstream);
            return;
        }

        downstream.Dispose(); // no backend is up
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
            lock (gate)
            {
                open.Remove(from);
                open.Remove(to);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        listener.Stop();
        DropAll();
        return ValueTask.CompletedTask;
    }
}
