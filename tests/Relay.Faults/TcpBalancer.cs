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
    private readonly int[] _backends;
    private readonly TcpListener _listener;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private int _next;

    public TcpBalancer(params int[] backendPorts)
    {
        _backends = backendPorts;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(1024);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public void DropAll()
    {
        lock (_gate)
        {
            foreach (var client in _open)
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

            _open.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient downstream;
            try
            {
                downstream = await _listener.AcceptTcpClientAsync();
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
        var start = Interlocked.Increment(ref _next);
        for (var i = 0; i < _backends.Length; i++)
        {
            var upstream = new TcpClient { NoDelay = true };
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _backends[(start + i) % _backends.Length]);
            }
            catch (SocketException)
            {
                upstream.Dispose();
                continue;
            }

            downstream.NoDelay = true;
            lock (_gate)
            {
                _open.Add(downstream);
                _open.Add(upstream);
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
            lock (_gate)
            {
                _open.Remove(from);
                _open.Remove(to);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        DropAll();
        return ValueTask.CompletedTask;
    }
}
