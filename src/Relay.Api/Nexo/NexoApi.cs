using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Nexo;

/// <summary>
/// The nexo Retailer (Sale to POI) cloud facade: a POS written for Adyen's Terminal API (or Swedbank Pay's nexo) talks to Relay
/// by changing its endpoint and key. Answers are nexo messages, never problem details.
/// </summary>
public static class NexoApi
{
    public const string Path = "/nexo";

    public static IServiceCollection AddNexo(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, NexoNoProblems>());
        return services.AddScoped<NexoExchange>().AddScoped<NexoPayments>().AddScoped<NexoDevice>().AddScoped<NexoSessions>()
            .AddScoped<NexoAsyncMessages>().AddScoped<NexoNotifications>().AddScoped<NexoInputAnswers>()
            .AddHousekeeping("kept nexo async messages", (db, options, now, ct) =>
                db.NexoAsyncRequests.Where(r => r.CreatedAt < now - options.IdempotencyKeyRetention).ExecuteDeleteAsync(ct));
    }

    public static void MapNexo(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Path).WithTags("nexo").RequireAuthorization(AuthenticationSetup.Account);
        group.MapPost("/sync", (HttpContext http, ClaimsPrincipal user, NexoExchange exchange, ILoggerFactory loggers, CancellationToken ct) =>
                HandleAsync(NexoMode.Sync, http, user, exchange, loggers, ct))
            .Accepts<SaleToPoiRequestEnvelope>(isOptional: true, "application/json", "*/*") // any body is read: nexo answers
            .Produces<SaleToPoiResponseEnvelope>(200, "application/json")
            .Produces(401).Produces(503).Produces(504)
            .WithSummary("Send a nexo SaleToPOIRequest and get its SaleToPOIResponse (Adyen Terminal API JSON)")
            .WithDescription("""
                Authenticated by the account API key as `X-API-Key` (Adyen's header) or `Authorization: Bearer`. `MessageHeader.POIID`
                is the Relay terminal id or the terminal's serial number; `SaleID` is the register id; `ServiceID` (1–10 letters and
                digits) is unique per POIID for 48 hours and replays like an Idempotency-Key. Held until the outcome, up to 150 s
                (`Relay:Nexo:SyncWait`).
                Services: Payment (Normal, Refund, CashAdvance), Reversal, Abort (HTTP 200, empty body), TransactionStatus, Diagnosis,
                Login, Logout, Display, Input, Print, Reconciliation; the others are answered NotAllowed. Errors are nexo responses
                (`Response.Result: Failure` with `ErrorCondition`); a message that cannot be read is answered with an
                EventNotification Reject. 503 (empty body, `Retry-After`) when Relay cannot reach its database, and 504 (empty body,
                `Retry-After`) when the terminal has not finished within the 150 s: Relay does not know the outcome yet, so ask
                TransactionStatus before sending a payment again.

                Example: `{"SaleToPOIRequest":{"MessageHeader":{"ProtocolVersion":"3.0","MessageClass":"Service",
                "MessageCategory":"Payment","MessageType":"Request","ServiceID":"4711","SaleID":"till-1","POIID":"<terminal id>"},
                "PaymentRequest":{"SaleData":{"SaleTransactionID":{"TransactionID":"order-8812","TimeStamp":"2026-12-02T09:41:00Z"}},
                "PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":12.5}}}}}` answers
                `{"SaleToPOIResponse":{"MessageHeader":{…,"MessageType":"Response"},"PaymentResponse":{"Response":{"Result":"Success"},
                "POIData":{"POITransactionID":{"TransactionID":"<Relay transaction id>",…}},"PaymentResult":{"AmountsResp":
                {"Currency":"EUR","AuthorizedAmount":12.50},…},"PaymentReceipt":[…]}}}`.
                """);
        group.MapPost("/async", (HttpContext http, ClaimsPrincipal user, NexoExchange exchange, ILoggerFactory loggers, CancellationToken ct) =>
                HandleAsync(NexoMode.Async, http, user, exchange, loggers, ct))
            .Accepts<SaleToPoiRequestEnvelope>(isOptional: true, "application/json", "*/*")
            .Produces<string>(200, "text/plain")
            .Produces<SaleToPoiResponseEnvelope>(200, "application/json")
            .Produces(401).Produces(503)
            .WithSummary("Send a nexo SaleToPOIRequest; its SaleToPOIResponse comes as a webhook")
            .WithDescription("""
                As /nexo/sync, but what runs on the terminal (Payment, Reversal, Reconciliation, Display, Input, Print) is answered
                `ok` (text/plain) once accepted, and its SaleToPOIResponse is delivered, when it ends, to the account's webhook
                endpoints created with `"format": "nexo"`, signed like every delivery (Standard Webhooks). Abort is answered `ok`.
                A message refused at once (MessageFormat, Busy, NotFound, UnavailableDevice, NotAllowed), one whose ServiceID has
                ended already, and the services answered at once (TransactionStatus, Diagnosis, Login, Logout) get their
                SaleToPOIResponse in the HTTP response, as in sync.
                """);
    }

    private static async Task<IResult> HandleAsync(
        NexoMode mode, HttpContext http, ClaimsPrincipal user, NexoExchange exchange, ILoggerFactory loggers, CancellationToken ct)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        object? answer;
        try
        {
            answer = await exchange.HandleAsync(user.GetAccountId(), body.ToArray(), mode, ct);
        }
        catch (NexoNoOutcomeYet)
        {
            http.Response.Headers.RetryAfter = "5";
            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Never a Failure that a POS would take for "not paid" when Relay does not know: an HTTP error, after which a nexo
            // POS asks TransactionStatus.
            loggers.CreateLogger(typeof(NexoApi)).LogError(e, "nexo message could not be completed");
            http.Response.Headers.RetryAfter = "1";
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        return answer is not null ? Results.Json(answer, NexoJson.Options)
            : mode == NexoMode.Async ? Results.Text("ok", "text/plain")
            : Results.Ok();
    }
}
