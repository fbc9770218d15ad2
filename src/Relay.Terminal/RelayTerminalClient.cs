using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Relay.Terminal;

/// <summary>
/// A terminal's connection to the relay hub. Keeps the connection up (reconnecting forever), hands the app each
/// transaction and each POS action once, and delivers results and action completions through a durable outbox so no
/// outcome is lost to a dropped connection or a crash. Events run one at a time in arrival order on a background task:
/// a handler that takes long delays the events after it, so run card flows and questions on their own task.
/// </summary>
public sealed partial class RelayTerminalClient : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly HubConnection _hub;
    private readonly Uri _hubUri;
    private readonly ReconnectSchedule _schedule;
    private static readonly TimeSpan AskAgainEvery = TimeSpan.FromSeconds(5);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string TransactionId, string RequestId),
        TaskCompletionSource<string?>> _answers = new();
    private readonly OutboxDelivery<TerminalResult, CompletionAck> _results;
    private readonly OutboxDelivery<ActionCompletion, ActionAck> _actions;
    private readonly OutboxDelivery<SettlementReport, SettlementAck> _settlements;
    private readonly OutboxDelivery<TerminalOriginatedTransaction, ReportAck> _reports;
    private readonly SerialEventQueue _events;

    // Transactions handed to the app and not yet completed, and those finished in this process: repeats are no-ops.
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);
    private readonly RecentIds _finished = new(capacity: 4096);

    private readonly Lock _lifecycle = new();
    private CancellationTokenSource? _running; // from StartAsync until StopAsync
    private Task _connecting = Task.CompletedTask;
    private bool _connectedRaised; // only touched on the event queue
    private int _disposed;

    public RelayTerminalClient(RelayTerminalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.RelayUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DeviceToken);

        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<RelayTerminalClient>();
        _hubUri = RelayUrls.Hub(options.RelayUrl, options.HubPath);
        _schedule = new ReconnectSchedule(options.ReconnectDelays);
        _results = NewResultDelivery(options.OutboxDirectory);
        _actions = NewActionDelivery(options.OutboxDirectory);
        _settlements = NewSettlementDelivery(options.OutboxDirectory);
        _reports = NewReportDelivery(options.OutboxDirectory);
        _events = new SerialEventQueue(_logger);
        _hub = BuildHub(options, loggerFactory);
    }

    /// <summary>A new transaction (never raised twice for one id while it is active or its result is known).</summary>
    public event Func<TerminalTransaction, Task>? StartTransactionReceived;

    /// <summary>The POS asked to cancel this transaction. Not raised once its result is saved.</summary>
    public event Func<string, Task>? CancelRequested;

    public event Func<PairingChange, Task>? PairingChanged;

    public event Func<InputResponse, Task>? InputResponseReceived;

    /// <summary>Raised after each connect and reconnect, once every saved result and action completion has been re-sent.</summary>
    public event Func<Task>? Connected;

    /// <summary>Raised when a connection is lost (reconnecting starts at once) or stopped.</summary>
    public event Func<Exception?, Task>? Disconnected;

    public bool IsConnected => _hub.State == HubConnectionState.Connected;

    /// <summary>
    /// Connects, retrying on the reconnect schedule until it succeeds or <paramref name="ct"/> is cancelled; then
    /// re-sends the outbox. From here on the connection is kept up until <see cref="StopAsync"/>.
    /// </summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        CancellationTokenSource running;
        CancellationTokenSource firstConnect;
        Task connecting;
        lock (_lifecycle)
        {
            if (_running is not null)
            {
                throw new InvalidOperationException("The client is already started.");
            }

            // The caller's token bounds the first connect only; once connected, only StopAsync ends the connection.
            running = _running = new CancellationTokenSource();
            firstConnect = CancellationTokenSource.CreateLinkedTokenSource(ct, running.Token);
            var connectToken = firstConnect.Token;
            connecting = _connecting = Task.Run(() => ConnectLoopAsync(firstAttempt: 0, connectToken, running.Token));
        }

        using (firstConnect)
        {
            try
            {
                await connecting;
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                lock (_lifecycle)
                {
                    if (_running == running)
                    {
                        _running = null;
                    }
                }
            }
        }

        await running.CancelAsync();
        await _hub.StopAsync();
        ct.ThrowIfCancellationRequested();
    }

    public async Task StopAsync()
    {
        CancellationTokenSource? running;
        Task connecting;
        lock (_lifecycle)
        {
            running = _running;
            connecting = _connecting;
            _running = null;
        }

        if (running is null)
        {
            return;
        }

        await running.CancelAsync();
        try
        {
            await connecting;
        }
        catch (Exception ex)
        {
            // Stopping ends the connect loop on purpose; however its last attempt ended, stopping succeeds.
            _logger.LogDebug(ex, "The connect loop ended while stopping");
        }

        await _hub.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync();
        _events.Close();
        _results.CancelWaiters();
        _actions.CancelWaiters();
        _settlements.CancelWaiters();
        _reports.CancelWaiters();

        await _hub.DisposeAsync();
    }

    public Task<PairingCode> RequestPairingCodeAsync(CancellationToken ct = default) =>
        _hub.InvokeAsync<PairingCode>("RequestPairingCode", ct);

    /// <summary>
    /// Acknowledges receipt. False: the transaction was cancelled or expired meanwhile; drop it and never touch the card.
    /// If this throws, the client forgets the transaction, so the relay's re-send after reconnecting reaches the app
    /// again: drop it too.
    /// </summary>
    public async Task<bool> TransactionReceivedAsync(string transactionId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        ProceedAnswer answer;
        try
        {
            using var span = Span("TransactionReceived", transactionId);
            answer = await _hub.InvokeAsync<ProceedAnswer>("TransactionReceived", transactionId, ct);
        }
        catch
        {
            _active.TryRemove(transactionId, out _);
            ForgetTrace(transactionId);
            throw;
        }

        if (!answer.Proceed)
        {
            _active.TryRemove(transactionId, out _);
            ForgetTrace(transactionId);
            _finished.Add(transactionId);
        }

        return answer.Proceed;
    }

    /// <summary>Tells the relay the card prompt is showing; returns the transaction's status.</summary>
    public async Task<string> TransactionStartedAsync(string transactionId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        using var span = Span("TransactionStarted", transactionId);
        var answer = await _hub.InvokeAsync<StartedAnswer>("TransactionStarted", transactionId, ct);
        return answer.Status;
    }

    public Task DisplayAsync(string? transactionId, string text, CancellationToken ct = default) =>
        _hub.InvokeAsync("Display", transactionId, text, ct);

    public Task PrintAsync(string? transactionId, ReceiptKind receipt, string text, CancellationToken ct = default) =>
        _hub.InvokeAsync("Print", transactionId, receipt, text, ct);

    public Task RequestInputAsync(string transactionId, InputRequest request, CancellationToken ct = default) =>
        _hub.InvokeAsync<InputAnswer>("RequestInput", transactionId, request, ct);

    /// <summary>
    /// Asks the POS operator (a <c>terminal.input_requested</c> event) and waits for the answer: the value, or null when
    /// none came within the request's timeout (60 s by default). The question is asked again every few seconds while
    /// waiting (the relay keeps one per request id and answers with the value once given), so an answer sent while
    /// the connection was down is not lost.
    /// </summary>
    public async Task<string?> AskAsync(string transactionId, InputRequest request, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        ArgumentNullException.ThrowIfNull(request);
        var key = (transactionId, request.RequestId);
        var answer = _answers.GetOrAdd(key, _ => new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(request.TimeoutSeconds ?? 60);
        try
        {
            while (true)
            {
                try
                {
                    var asked = await _hub.InvokeAsync<InputAnswer>("RequestInput", transactionId, request, ct);
                    if (asked.Value is not null)
                    {
                        return asked.Value;
                    }

                    deadline = asked.ExpiresAt;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not Microsoft.AspNetCore.SignalR.HubException)
                {
                    _logger.LogWarning("Could not ask the relay ({Error}); asking again", ex.Message);
                }

                var remaining = deadline - DateTimeOffset.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    return null;
                }

                await Task.WhenAny(answer.Task, Task.Delay(remaining < AskAgainEvery ? remaining : AskAgainEvery, ct));
                ct.ThrowIfCancellationRequested();
                if (answer.Task.IsCompleted)
                {
                    return await answer.Task;
                }
            }
        }
        finally
        {
            _answers.TryRemove(key, out _);
        }
    }

    public Task NotifyAsync(TerminalNotification notification, CancellationToken ct = default) =>
        _hub.InvokeAsync("Notify", notification, ct);

    private HubConnection BuildHub(RelayTerminalOptions options, ILoggerFactory loggerFactory)
    {
        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton(loggerFactory);
        // The client's WebSocket transport straight to the hub (no negotiate request), the device token as a bearer header.
        builder.WithUrl(_hubUri, HttpTransportType.WebSockets, o =>
        {
            o.SkipNegotiation = true;
            o.AccessTokenProvider = () => Task.FromResult<string?>(options.DeviceToken);
            if (options.WebSocketFactory is { } open)
            {
                o.WebSocketFactory = (context, ct) => open(context.Uri, options.DeviceToken, ct);
            }
        });
        builder.WithAutomaticReconnect(_schedule);
        builder.AddJsonProtocol(json => TerminalJson.Configure(json.PayloadSerializerOptions));
        var hub = builder.Build();

        hub.On<TerminalTransaction>("StartTransaction", tx => _events.Enqueue(() => OnStartTransactionAsync(tx)));
        hub.On<string>("CancelTransaction", id => _events.Enqueue(() => OnCancelTransactionAsync(id)));
        hub.On<TerminalAction>("StartAction", action => _events.Enqueue(() => OnStartActionAsync(action)));
        hub.On<string>("CancelAction", id => _events.Enqueue(() => OnCancelActionAsync(id)));
        hub.On<PairingChange>("PairingChanged", change => _events.Enqueue(() => RaiseAsync(PairingChanged, change)));
        ListenForConfiguration(hub);
        hub.On<string, string, JsonElement>("InputResponse", (transactionId, requestId, value) =>
        {
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            };
            if (_answers.TryGetValue((transactionId, requestId), out var waiting))
            {
                waiting.TrySetResult(text);
            }

            _events.Enqueue(() => RaiseAsync(InputResponseReceived, new InputResponse(transactionId, requestId, text)));
        });

        hub.Reconnecting += error =>
        {
            // The message is enough at Warning; HubConnection's own logger has the stack trace at Debug/Error.
            _logger.LogWarning("Lost the relay connection ({Error}); reconnecting", error?.Message ?? "closed");
            _events.Enqueue(() => OnDisconnectedAsync(error));
            return Task.CompletedTask;
        };
        hub.Reconnected += connectionId =>
        {
            _logger.LogInformation("Reconnected to the relay (connection {ConnectionId})", connectionId);
            if (RunningToken() is { } token)
            {
                _ = AfterConnectAsync(token);
            }

            return Task.CompletedTask;
        };
        hub.Closed += OnClosedAsync;
        return hub;
    }

    private async Task ConnectLoopAsync(long firstAttempt, CancellationToken ct, CancellationToken running)
    {
        for (var attempt = firstAttempt; ; attempt++)
        {
            var delay = _schedule.Delay(attempt);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct);
            }

            try
            {
                await _hub.StartAsync(ct);
                break;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                _logger.LogWarning("Could not connect to the relay at {HubUri}: {Error}", _hubUri, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The attempt failed (a refused token, say) just as the loop was stopped: report the stop, not the failure.
                throw new OperationCanceledException("Connecting was stopped.", ex, ct);
            }
        }

        _logger.LogInformation("Connected to the relay at {HubUri}", _hubUri);
        await AfterConnectAsync(running);
    }

    private async Task AfterConnectAsync(CancellationToken ct)
    {
        await _results.FlushAsync(ct);
        await _actions.FlushAsync(ct);
        await _reports.FlushAsync(ct); // a batch's own sales before the batch
        await _settlements.FlushAsync(ct);
        _events.Enqueue(OnConnectedAsync);
    }

    // HubConnection reconnects by itself after a dropped socket, but not when the server's close message forbids it
    // (as when the relay replaces this connection or shuts down). A terminal must come back regardless.
    private Task OnClosedAsync(Exception? error)
    {
        _events.Enqueue(() => OnDisconnectedAsync(error));
        lock (_lifecycle)
        {
            if (_running is not { IsCancellationRequested: false } running)
            {
                return Task.CompletedTask; // stopped on purpose
            }

            _logger.LogWarning("The relay closed the connection ({Error}); reconnecting", error?.Message ?? "no reason given");
            // Start one step into the schedule: two processes sharing a token must not evict each other in a hot loop.
            _connecting = Task.Run(() => ConnectLoopAsync(firstAttempt: 1, running.Token, running.Token));
        }

        return Task.CompletedTask;
    }

    private Task OnConnectedAsync()
    {
        if (_connectedRaised || !IsConnected)
        {
            return Task.CompletedTask;
        }

        _connectedRaised = true;
        return RaiseAsync(Connected);
    }

    private Task OnDisconnectedAsync(Exception? error)
    {
        if (!_connectedRaised)
        {
            return Task.CompletedTask;
        }

        _connectedRaised = false;
        return RaiseAsync(Disconnected, error);
    }

    private Task OnStartTransactionAsync(TerminalTransaction transaction)
    {
        var id = transaction.Id;
        if (_active.ContainsKey(id))
        {
            _logger.LogDebug("Transaction {TransactionId} re-sent while in progress here; ignored", id);
            return Task.CompletedTask;
        }

        if (_results.Saved(id) is { } saved)
        {
            _logger.LogInformation("Transaction {TransactionId} re-sent but already completed here; re-sending its result", id);
            if (RunningToken() is { } token)
            {
                _ = _results.SendAsync(saved, token);
            }

            return Task.CompletedTask;
        }

        if (_finished.Contains(id) || !_active.TryAdd(id, 0))
        {
            _logger.LogDebug("Transaction {TransactionId} re-sent after it finished here; ignored", id);
            return Task.CompletedTask;
        }

        RememberTrace(transaction);
        return RaiseAsync(StartTransactionReceived, transaction);
    }

    private Task OnCancelTransactionAsync(string transactionId)
    {
        if (_results.Contains(transactionId) || _finished.Contains(transactionId))
        {
            _logger.LogInformation("Cancel for {TransactionId} ignored: its result is already decided", transactionId);
            return Task.CompletedTask;
        }

        return RaiseAsync(CancelRequested, transactionId);
    }

    private CancellationToken? RunningToken()
    {
        lock (_lifecycle)
        {
            return _running?.Token;
        }
    }

    private async Task RaiseAsync(Func<Task>? handlers)
    {
        foreach (var handler in handlers?.GetInvocationList().Cast<Func<Task>>() ?? [])
        {
            await RunHandlerAsync(() => handler());
        }
    }

    private async Task RaiseAsync<T>(Func<T, Task>? handlers, T argument)
    {
        foreach (var handler in handlers?.GetInvocationList().Cast<Func<T, Task>>() ?? [])
        {
            await RunHandlerAsync(() => handler(argument));
        }
    }

    private async Task RunHandlerAsync(Func<Task> handler)
    {
        try
        {
            await handler();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A terminal event handler threw");
        }
    }
}
