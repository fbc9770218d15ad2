using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Data;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Terminals;

namespace Relay.Api.Nexo;

/// <summary>How a message's answer is given.</summary>
public enum NexoMode
{
    /// <summary>/nexo/sync: held until the outcome (up to <see cref="NexoOptions.SyncWait"/>), answered in the HTTP response.</summary>
    Sync,

    /// <summary>/nexo/async: what runs on the terminal is answered "ok" once accepted (null), its response delivered to the nexo
    /// webhook endpoints when it ends; the rest is answered as in sync.</summary>
    Async,

    /// <summary>A kept async message sent again for its webhook: the response it has now; nothing new is ever created.</summary>
    Replay,
}

/// <summary>One nexo message as Relay took it: the account, the header, the terminal POIID names (and every terminal it has named,
/// newest first, removed ones too: a serial moves to a new terminal when one is created for it), whether its ServiceID has made
/// something there already (<see cref="Taken"/>: this is its retry), how it is answered, the message as it came (kept for an async
/// one), how long the create waits for the outcome (sync only: async's webhook carries it), and for a replay what it made.</summary>
public sealed record NexoCall(
    Guid AccountId, MessageHeader Header, Guid TerminalId, IReadOnlyList<Guid> Named, bool Taken, bool Online, string? Model,
    string? AppVersion, NexoMode Mode, byte[] Message, TimeSpan? Wait, Guid? Made)
{
    /// <summary>The Idempotency-Key of what this message creates: its ServiceID, unique per POIID (kept 48 hours).</summary>
    public string Key => KeyOf(TerminalId, Header.ServiceID!);

    public static string KeyOf(Guid terminalId, string serviceId) => $"{IdempotencyKeyHeader.Reserved}{terminalId:N}:{serviceId}";

    /// <summary>The keys a ServiceID has had on every terminal POIID names, newest terminal first: what TransactionStatus and Abort
    /// look for.</summary>
    public IReadOnlyList<string> KeysOf(string serviceId) => Named.Select(id => KeyOf(id, serviceId)).ToList();

    /// <summary>What the first of <paramref name="keys"/> that holds something holds.</summary>
    public static T? FirstHeld<T>(IReadOnlyList<string> keys, IEnumerable<(string Key, T Value)> held) where T : struct
    {
        var byKey = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in held) byKey.TryAdd(key, value);
        return keys.Where(byKey.ContainsKey).Select(k => (T?)byKey[k]).FirstOrDefault();
    }

    /// <summary>The answer when what this message started has not ended: none in async ("ok") and in a replay; in sync, when the
    /// wait has passed, no answer at all (<see cref="NexoNoOutcomeYet"/>), never a Failure a POS would take for "not paid".</summary>
    public SaleToPoiResponseEnvelope? NotEnded() => Mode == NexoMode.Sync ? throw new NexoNoOutcomeYet() : null;

    /// <summary>The response to this message: <paramref name="body"/> under its header, MessageType Response.</summary>
    public SaleToPoiResponseEnvelope Answer(SaleToPoiResponse body) => NexoResults.Envelope(Header, body);
}

/// <summary>A sync message whose outcome is not known when the wait ends: answered HTTP 504 with Retry-After and no body, after
/// which a nexo POS asks TransactionStatus.</summary>
public sealed class NexoNoOutcomeYet() : Exception("The terminal has not finished within the sync wait.");

/// <summary>
/// Reads a SaleToPOIRequest, checks its header and body against nexo's rules, finds its terminal, and hands it to the service
/// its MessageCategory names. What breaks the rules is answered in that service's response with MessageFormat; what cannot be
/// read at all, with an EventNotification Reject, as Adyen answers.
/// </summary>
public sealed class NexoExchange(
    RelayDbContext db, TerminalConnections connections, NexoPayments payments, NexoDevice device, NexoSessions sessions,
    NexoInputAnswers inputAnswers, TimeProvider clock, IOptions<RelayOptions> options, ILogger<NexoExchange> logger)
{
    /// <summary>Categories Relay serves, by the MessageClass they belong to.</summary>
    private static readonly Dictionary<string, string> Served = new(StringComparer.Ordinal)
    {
        ["Payment"] = "Service", ["Reversal"] = "Service", ["Abort"] = "Service", ["TransactionStatus"] = "Service",
        ["Diagnosis"] = "Service", ["Login"] = "Service", ["Logout"] = "Service", ["Reconciliation"] = "Service",
        ["Display"] = "Device", ["Input"] = "Device", ["Print"] = "Device",
    };

    /// <summary>The categories whose message makes something under its ServiceID (a transaction or a terminal action).</summary>
    private static readonly HashSet<string> Creating = new(StringComparer.Ordinal)
    {
        "Payment", "Reversal", "Reconciliation", "Display", "Input", "Print",
    };

    /// <summary>nexo's other categories: answered NotAllowed in their own response.</summary>
    private static readonly HashSet<string> NotServed = new(StringComparer.Ordinal)
    {
        "Admin", "BalanceInquiry", "Batch", "CardAcquisition", "CardReaderAPDU", "CardReaderInit", "CardReaderPowerOff",
        "EnableService", "GetTotals", "InputUpdate", "Loyalty", "PIN", "Sound", "StoredValue", "Transmit",
    };

    /// <summary>The answer: a SaleToPOIResponse, a SaleToPOIRequest with an EventNotification (Reject), or nothing (Abort, and
    /// async messages accepted).</summary>
    public async Task<object?> HandleAsync(Guid accountId, byte[] body, NexoMode mode, CancellationToken ct)
    {
        SaleToPoiIncoming? incoming;
        try
        {
            incoming = JsonSerializer.Deserialize<SaleToPoiIncoming>(body, NexoJson.Options);
        }
        catch (JsonException e)
        {
            return Reject(body, $"The message is not nexo JSON (at {e.Path ?? "$"}, line {e.LineNumber + 1 ?? 1}).");
        }

        if (incoming is { SaleToPOIRequest: null, SaleToPOIResponse: { } response })
        {
            return await AnswerAsync(accountId, response, body, ct);
        }

        var request = incoming?.SaleToPOIRequest;
        if (request?.MessageHeader is not { } header)
        {
            return Reject(body, "A SaleToPOIRequest with a MessageHeader is required.");
        }

        var category = header.MessageCategory ?? "";
        if (!Served.ContainsKey(category) && !NotServed.Contains(category))
        {
            return Reject(body, $"MessageCategory '{category}' is not a nexo service Relay answers.", header);
        }

        if ((HeaderProblem(header, category) ?? BodyProblem(request, category)) is { } problem)
        {
            logger.LogInformation("nexo {Category} refused as MessageFormat: {Problem}", category, problem);
            return category == "Abort" ? Reject(body, problem, header) : Failure(request, NexoResults.MessageFormat(problem));
        }

        var call = await FindTerminalAsync(accountId, header, mode, body, category is "TransactionStatus" or "Abort", null, ct);
        if (call is null)
        {
            return category == "Abort" ? null : Failure(request, NexoResults.Failure("NotFound", $"No terminal '{header.POIID}' in this account."));
        }

        if (NotServed.Contains(category))
        {
            return Failure(request, NexoResults.Failure("NotAllowed", $"Relay does not offer the {category} service."));
        }

        return category switch
        {
            "Payment" => await payments.PaymentAsync(call, request.PaymentRequest!, ct),
            "Reversal" => await payments.ReversalAsync(call, request.ReversalRequest!, ct),
            "Reconciliation" => await payments.ReconciliationAsync(call, request.ReconciliationRequest!, ct),
            "TransactionStatus" => await payments.TransactionStatusAsync(call, request.TransactionStatusRequest!, ct),
            "Abort" => await AbortAsync(call, request.AbortRequest!),
            "Display" => await device.DisplayAsync(call, request.DisplayRequest!, ct),
            "Input" => await device.InputAsync(call, request.InputRequest!, ct),
            "Print" => await device.PrintAsync(call, request.PrintRequest!, ct),
            "Diagnosis" => await sessions.DiagnosisAsync(call, ct),
            "Login" => await sessions.LoginAsync(call, request.LoginRequest!, ct),
            "Logout" => await sessions.LogoutAsync(call, ct),
            _ => throw new InvalidOperationException($"No handler for the served category {category}."),
        };
    }

    /// <summary>The response a kept async message gets now for what it made (<paramref name="made"/>, final): the one sync gives.
    /// Only reads; null when there is none (the message or what it made cannot be read as it was), never a refusal.</summary>
    public async Task<SaleToPoiResponseEnvelope?> ReplayAsync(Guid accountId, byte[] message, Guid made, CancellationToken ct)
    {
        SaleToPoiRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SaleToPoiIncoming>(message, NexoJson.Options)?.SaleToPOIRequest;
        }
        catch (JsonException)
        {
            return null;
        }

        if (request?.MessageHeader is not { POIID: not null, ServiceID: not null } header) return null;
        var call = await FindTerminalAsync(accountId, header, NexoMode.Replay, message, lookup: false, made, ct);
        return call is null ? null : header.MessageCategory switch
        {
            "Payment" when request.PaymentRequest is { } payment => await payments.PaymentAsync(call, payment, ct),
            "Reversal" when request.ReversalRequest is { } reversal => await payments.ReversalAsync(call, reversal, ct),
            "Reconciliation" when request.ReconciliationRequest is { } reconciliation =>
                await payments.ReconciliationAsync(call, reconciliation, ct),
            "Display" when request.DisplayRequest is { } display => await device.DisplayAsync(call, display, ct),
            "Input" when request.InputRequest is { } input => await device.InputAsync(call, input, ct),
            "Print" when request.PrintRequest is { } print => await device.PrintAsync(call, print, ct),
            _ => null,
        };
    }

    /// <summary>A response from the sale system: the answer to an InputRequest the terminal sent it. HTTP 200 with an empty body
    /// (a response gets none), or a Reject when it answers nothing.</summary>
    private async Task<object?> AnswerAsync(Guid accountId, SaleToPoiResponse response, byte[] body, CancellationToken ct)
    {
        if (response is not { MessageHeader: { MessageCategory: "Input", MessageType: "Response", POIID: not null } header, InputResponse: { } input })
        {
            return Reject(body, "The only response Relay takes is an InputResponse to the terminal's InputRequest.", response.MessageHeader);
        }

        var call = await FindTerminalAsync(accountId, header, NexoMode.Sync, body, lookup: true, made: null, ct);
        var problem = call is null ? $"No terminal '{header.POIID}' in this account."
            : await inputAnswers.AnswerAsync(accountId, call.TerminalId, header, input, ct);
        return problem is null ? null : Reject(body, problem, header);
    }

    private async Task<object?> AbortAsync(NexoCall call, AbortRequest abort)
    {
        var reference = abort.MessageReference!;
        await (reference.MessageCategory is "Display" or "Input" or "Print"
            ? device.AbortAsync(call, reference.ServiceID!)
            : payments.AbortAsync(call, reference.ServiceID!));
        return null; // nexo defines no AbortResponse: HTTP 200 with an empty body
    }

    private static string? HeaderProblem(MessageHeader header, string category)
    {
        var expectedClass = Served.GetValueOrDefault(category) ?? header.MessageClass;
        if (header.MessageClass is not ("Service" or "Device") || header.MessageClass != expectedClass)
            return $"MessageClass must be {expectedClass ?? "Service or Device"} for {category}.";
        if (header.MessageType != "Request") return "MessageType must be Request.";
        if (header.ServiceID is not { Length: >= 1 and <= 10 } serviceId || !serviceId.All(char.IsAsciiLetterOrDigit))
            return "ServiceID must be 1 to 10 letters and digits.";
        if (string.IsNullOrWhiteSpace(header.SaleID) || header.SaleID.Length > 100 || !TextRules.IsClean(header.SaleID))
            return "SaleID is required: up to 100 printable characters.";
        if (string.IsNullOrWhiteSpace(header.POIID) || header.POIID.Length > 100 || !TextRules.IsClean(header.POIID))
            return "POIID is required: the Relay terminal id or the terminal's serial number.";
        return null;
    }

    /// <summary>Exactly one body, the one the MessageCategory names.</summary>
    private static string? BodyProblem(SaleToPoiRequest request, string category)
    {
        var bodies = new (string Name, object? Value)[]
        {
            ("PaymentRequest", request.PaymentRequest), ("ReversalRequest", request.ReversalRequest),
            ("AbortRequest", request.AbortRequest), ("TransactionStatusRequest", request.TransactionStatusRequest),
            ("DiagnosisRequest", request.DiagnosisRequest), ("LoginRequest", request.LoginRequest),
            ("LogoutRequest", request.LogoutRequest), ("DisplayRequest", request.DisplayRequest),
            ("InputRequest", request.InputRequest), ("PrintRequest", request.PrintRequest),
            ("ReconciliationRequest", request.ReconciliationRequest), ("EventNotification", request.EventNotification),
        }.Where(b => b.Value is not null).Select(b => b.Name)
            .Concat(request.Other?.Keys.Where(k => k.EndsWith("Request", StringComparison.Ordinal)) ?? []).ToList();
        var expected = category + "Request";
        if (bodies is not [var only] || only != expected)
            return $"MessageCategory {category} needs exactly one body, {expected}; the message has {(bodies.Count == 0 ? "none" : string.Join(", ", bodies))}.";
        return category switch
        {
            "Abort" when request.AbortRequest!.MessageReference is not { ServiceID: not null } =>
                "AbortRequest needs MessageReference with the ServiceID of the message to abort.",
            "TransactionStatus" when request.TransactionStatusRequest!.MessageReference is not { ServiceID: not null } =>
                "TransactionStatusRequest needs MessageReference with the ServiceID (and MessageCategory) of the message asked about.",
            _ => null,
        };
    }

    /// <summary>The terminal POIID names in the account: its Relay id, or its serial number (the newest terminal with it). A message
    /// whose ServiceID made something already is its retry, on the terminal it was made on (removed since, or named by the serial
    /// before a new terminal took it). Else removed terminals are not found, but for a <paramref name="lookup"/> (TransactionStatus,
    /// Abort: their own ServiceID makes nothing) and a replay, which answer for what a terminal removed since did.</summary>
    private async Task<NexoCall?> FindTerminalAsync(
        Guid accountId, MessageHeader header, NexoMode mode, byte[] body, bool lookup, Guid? made, CancellationToken ct)
    {
        var poiId = header.POIID!;
        var query = db.Terminals.AsNoTracking().Where(t => t.AccountId == accountId);
        query = Guid.TryParse(poiId, out var id) ? query.Where(t => t.Id == id) : query.Where(t => t.SerialNumber == poiId);
        var named = (await query.Select(t => new { t.Id, t.Status, t.ActivatedAt, Online = t.ConnectionId != null, t.Model, t.AppVersion })
                .ToListAsync(ct))
            .OrderByDescending(t => t.ActivatedAt ?? DateTimeOffset.MinValue).ToList();
        if (named.Count == 0) return null;

        // Only a message that makes something can be a retry of what its ServiceID made.
        var keys = named.Select(t => NexoCall.KeyOf(t.Id, header.ServiceID ?? "")).ToList();
        List<string> held = lookup || !Creating.Contains(header.MessageCategory ?? "") ? [] : await db.IdempotencyRecords.AsNoTracking()
            .Where(r => r.AccountId == accountId && keys.Contains(r.Key)).Select(r => r.Key)
            .Concat(db.TerminalActions.AsNoTracking().Where(a => a.AccountId == accountId && keys.Contains(a.IdempotencyKey))
                .Select(a => a.IdempotencyKey))
            .ToListAsync(ct);
        var taken = keys.FirstOrDefault(held.Contains);
        var terminal = taken is not null ? named[keys.IndexOf(taken)]
            : lookup || mode == NexoMode.Replay ? named[0]
            : named.FirstOrDefault(t => t.Status != TerminalStatus.Removed);
        // Online as the database has it, or connected here already: a connect is written a moment later (in a batch).
        return terminal is null ? null : new NexoCall(accountId, header, terminal.Id, named.Select(t => t.Id).ToList(), taken is not null,
            terminal.Online || connections.ConnectionIdOf(terminal.Id) is not null, terminal.Model, terminal.AppVersion, mode, body,
            mode == NexoMode.Sync ? options.Value.Nexo.SyncWait : null, made);
    }

    /// <summary>The service's response carrying only its Response (and a payment's SaleData, as sent): for a message refused
    /// before it reached the service.</summary>
    private static SaleToPoiResponseEnvelope Failure(SaleToPoiRequest request, Response response) =>
        NexoResults.Envelope(request.MessageHeader!, request.MessageHeader!.MessageCategory switch
        {
            "Payment" => new SaleToPoiResponse
                { PaymentResponse = new PaymentResponse { Response = response, SaleData = request.PaymentRequest?.SaleData } },
            "Reversal" => new SaleToPoiResponse { ReversalResponse = new ReversalResponse { Response = response } },
            "TransactionStatus" => new SaleToPoiResponse
                { TransactionStatusResponse = new TransactionStatusResponse { Response = response } },
            "Diagnosis" => new SaleToPoiResponse { DiagnosisResponse = new DiagnosisResponse { Response = response } },
            "Login" => new SaleToPoiResponse { LoginResponse = new LoginResponse { Response = response } },
            "Logout" => new SaleToPoiResponse { LogoutResponse = new LogoutResponse(response) },
            "Display" => new SaleToPoiResponse
                { DisplayResponse = new DisplayResponse([new OutputResult(null, null, response)]) },
            "Input" => new SaleToPoiResponse
                { InputResponse = new InputResponse(null, new InputResult(null, null, response, null)) },
            "Print" => new SaleToPoiResponse { PrintResponse = new PrintResponse(null, response) },
            "Reconciliation" => new SaleToPoiResponse
                { ReconciliationResponse = new ReconciliationResponse { Response = response } },
            var other => new SaleToPoiResponse
            {
                Other = new() { [other + "Response"] = JsonSerializer.SerializeToElement(new { Response = response }, NexoJson.Options) },
            },
        });

    /// <summary>How much of a rejected message its Reject carries back.</summary>
    private const int RejectedBytes = 16 * 1024;

    /// <summary>What Adyen answers a message it cannot read: an EventNotification Reject carrying the message in base64 (its first
    /// <see cref="RejectedBytes"/>).</summary>
    private SaleToPoiEventEnvelope Reject(byte[] body, string why, MessageHeader? header = null)
    {
        logger.LogInformation("nexo message rejected: {Why}", why);
        header ??= NexoResults.HeaderOf(body);
        return new SaleToPoiEventEnvelope(new SaleToPoiEvent(
            new MessageHeader
            {
                ProtocolVersion = header?.ProtocolVersion ?? "3.0", MessageClass = "Event", MessageCategory = "Event",
                MessageType = "Notification", ServiceID = header?.ServiceID, DeviceID = header?.DeviceID, SaleID = header?.SaleID,
                POIID = header?.POIID,
            },
            new EventNotification
            {
                TimeStamp = clock.GetUtcNow(), EventToNotify = "Reject",
                EventDetails = NexoResults.Details(("message", why), ("truncated", body.Length > RejectedBytes ? "true" : null)),
                RejectedMessage = Convert.ToBase64String(body.AsSpan(0, Math.Min(body.Length, RejectedBytes))),
            }));
    }
}
