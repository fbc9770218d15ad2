using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal.Transport;

/// <summary>
/// Exposes an open WebSocket as the duplex pipe HubConnection reads and writes. Two pumps copy bytes between the
/// pipes and the socket (text frames: the JSON protocol). When the socket ends, for any reason, the incoming pipe
/// is completed so HubConnection sees the close and starts reconnecting.
/// </summary>
internal sealed class WebSocketConnection : ConnectionContext
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly ILogger _logger;
    private readonly Pipe _incoming = new(); // socket → HubConnection
    private readonly Pipe _outgoing = new(); // HubConnection → socket
    private readonly CancellationTokenSource _aborted = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private int _disposed;

    public WebSocketConnection(WebSocket socket, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        Transport = new DuplexPipe(_incoming.Reader, _outgoing.Writer);
        _receiving = Task.Run(ReceiveAsync);
        _sending = Task.Run(SendAsync);
    }

    public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _logger.LogDebug(abortReason, "Aborting the hub WebSocket");
        CancelPumps();
        _socket.Abort();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Let the send pump drain and send a close frame, then give the relay a moment to answer it.
        await _outgoing.Writer.CompleteAsync();
        var sent = await CompletesWithin(_sending, CloseTimeout);
        var received = await CompletesWithin(_receiving, CloseTimeout);
        if (!sent || !received)
        {
            CancelPumps();
            _socket.Abort();
        }

        try
        {
            await Task.WhenAll(_sending, _receiving);
        }
        catch (Exception ex)
        {
            // Disposal must not throw: SignalR disposes the connection before it reports the close and reconnects.
            _logger.LogDebug(ex, "A WebSocket pump ended with an error");
        }

        await _incoming.Reader.CompleteAsync();
        _socket.Dispose();
        _aborted.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var writer = _incoming.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(writer.GetMemory(4096), _aborted.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.CloseStatus is not WebSocketCloseStatus.NormalClosure)
                    {
                        error = new IOException($"The relay closed the WebSocket: {_socket.CloseStatus} {_socket.CloseStatusDescription}".TrimEnd());
                    }

                    break;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break; // HubConnection stopped reading.
                }
            }
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            _logger.LogDebug(error, "Hub WebSocket receive side ended");
            await writer.CompleteAsync(error);
        }
    }

    private async Task SendAsync()
    {
        var reader = _outgoing.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_aborted.Token);
                var buffer = result.Buffer;
                try
                {
                    await SendFrameAsync(buffer);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        break;
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            await reader.CompleteAsync(error);
            if (error is null)
            {
                await CloseOutputAsync();
            }
            else
            {
                // A socket we cannot write to is dead: make the receive side end too, so HubConnection notices.
                _logger.LogDebug(error, "Hub WebSocket send side failed");
                CancelPumps();
            }
        }
    }

    private async Task SendFrameAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        var remaining = buffer.Length;
        foreach (var segment in buffer)
        {
            remaining -= segment.Length;
            await _socket.SendAsync(segment, WebSocketMessageType.Text, endOfMessage: remaining == 0, _aborted.Token);
        }
    }

    private async Task CloseOutputAsync()
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex)
        {
            // Best effort: the relay may already have gone (an IOException over some transports). A failure here
            // must not fail the send pump, or the HubConnection never learns the connection closed and never reconnects.
            _logger.LogDebug(ex, "Could not send the WebSocket close frame");
        }
    }

    private void CancelPumps()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task<bool> CompletesWithin(Task task, TimeSpan timeout) =>
        await Task.WhenAny(task, Task.Delay(timeout)) == task;

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
