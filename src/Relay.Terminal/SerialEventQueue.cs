using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

/// <summary>
/// Runs the client's events one at a time, in arrival order (a StartTransaction before its CancelTransaction), off
/// SignalR's receive path. A handler that throws is logged and does not stop later events.
/// </summary>
internal sealed class SerialEventQueue
{
    private readonly Channel<Func<Task>> _queue = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private volatile bool _closed;

    public SerialEventQueue(ILogger logger)
    {
        _logger = logger;
        _ = Task.Run(RunAsync);
    }

    public void Enqueue(Func<Task> work) => _queue.Writer.TryWrite(work);

    /// <summary>Drops whatever is still queued; a handler already running finishes on its own.</summary>
    public void Close()
    {
        _closed = true;
        _queue.Writer.TryComplete();
    }

    private async Task RunAsync()
    {
        await foreach (var work in _queue.Reader.ReadAllAsync())
        {
            if (_closed)
            {
                return;
            }

            try
            {
                await work();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "A terminal event handler threw");
            }
        }
    }
}
