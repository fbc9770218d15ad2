using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;

namespace Relay.Api.Nexo;

/// <summary>nexo's Login, Logout and Diagnosis: who is logged in to a terminal, and how the terminal stands.</summary>
public sealed class NexoSessions(RelayDbContext db, TimeProvider clock)
{
    public async Task<SaleToPoiResponseEnvelope> LoginAsync(NexoCall call, LoginRequest login, CancellationToken ct)
    {
        SaleToPoiResponseEnvelope Refused(Response response) =>
            call.Answer(new SaleToPoiResponse { LoginResponse = new LoginResponse { Response = response } });

        var capabilities = login.SaleTerminalData?.SaleCapabilities ?? [];
        if (capabilities.Length > 30 || capabilities.Any(c => c is not { Length: > 0 and <= 50 } || !TextRules.IsClean(c))
            || login.OperatorID is { } operatorId && (operatorId.Length > 100 || !TextRules.IsClean(operatorId)))
        {
            return Refused(NexoResults.MessageFormat("SaleCapabilities or OperatorID is too long or not printable text."));
        }

        if (login.TrainingModeFlag == true)
        {
            // A sale system in training mode must not take real payments, and Relay's terminals take nothing else.
            return Refused(NexoResults.Failure("NotAllowed", "Relay has no training mode: its terminals take real payments."));
        }

        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO nexo_sessions (account_id, terminal_id, sale_id, poi_id, sale_capabilities, operator_id, logged_in_at)
            VALUES ({call.AccountId}, {call.TerminalId}, {call.Header.SaleID}, {call.Header.POIID}, {capabilities}, {login.OperatorID},
                    {now})
            ON CONFLICT (terminal_id, sale_id) DO UPDATE
            SET poi_id = EXCLUDED.poi_id, sale_capabilities = EXCLUDED.sale_capabilities, operator_id = EXCLUDED.operator_id,
                logged_in_at = EXCLUDED.logged_in_at
            """, ct);
        return call.Answer(new SaleToPoiResponse
        {
            LoginResponse = new LoginResponse
            {
                Response = NexoResults.Success,
                POISystemData = new PoiSystemData(now,
                    new PoiSoftware("Relay", call.Model ?? "Relay terminal", call.AppVersion ?? "unknown", "none"),
                    await StatusAsync(call, ct)),
            },
        });
    }

    public async Task<SaleToPoiResponseEnvelope> LogoutAsync(NexoCall call, CancellationToken ct)
    {
        await db.NexoSessions.Where(s => s.TerminalId == call.TerminalId && s.SaleId == call.Header.SaleID).ExecuteDeleteAsync(ct);
        return call.Answer(new SaleToPoiResponse { LogoutResponse = new LogoutResponse(NexoResults.Success) });
    }

    /// <summary>The terminal's state: OK, Busy while it serves a transaction, Unreachable while it is not connected.</summary>
    public async Task<SaleToPoiResponseEnvelope> DiagnosisAsync(NexoCall call, CancellationToken ct)
    {
        var logged = await db.NexoSessions.AsNoTracking().Where(s => s.TerminalId == call.TerminalId)
            .OrderBy(s => s.SaleId).Select(s => s.SaleId).ToArrayAsync(ct);
        return call.Answer(new SaleToPoiResponse
        {
            DiagnosisResponse = new DiagnosisResponse
            {
                Response = NexoResults.Success, LoggedSaleID = logged.Length == 0 ? null : logged, POIStatus = await StatusAsync(call, ct),
            },
        });
    }

    private async Task<PoiStatus> StatusAsync(NexoCall call, CancellationToken ct) =>
        !call.Online ? new PoiStatus("Unreachable", CommunicationOKFlag: false)
        : await db.Transactions.AnyAsync(t => t.OpenTerminalId == call.TerminalId, ct) ? new PoiStatus("Busy", CommunicationOKFlag: true)
        : new PoiStatus("OK", CommunicationOKFlag: true);
}
