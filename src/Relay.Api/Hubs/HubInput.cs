using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Hubs;

/// <summary>
/// The rules for what a terminal sends, each broken one a <see cref="HubException"/> whose message tells the terminal's
/// developer what to fix (SignalR sends a HubException's message to the caller; any other exception becomes a bare
/// "error on the server"). Nothing is stored before they pass.
/// </summary>
public static class HubInput
{
    public static Guid Id(string? value, string name) =>
        Guid.TryParse(value, out var id)
            ? id
            : throw new HubException($"{name} must be the id (a UUID) the relay sent; got {Shown(value)}.");

    public static void Text(string? value, string name, int maxLength, bool required = false, bool multiline = false)
    {
        if (value is null)
        {
            if (required) throw new HubException($"{name} is required.");
            return;
        }

        if (required && string.IsNullOrWhiteSpace(value)) throw new HubException($"{name} is required.");
        if (value.Length > maxLength) throw new HubException($"{name} must be at most {maxLength} characters.");
        if (!TextRules.IsClean(value, multiline))
        {
            throw new HubException($"{name} must not contain control characters{(multiline ? " other than line breaks and tabs" : "")}.");
        }
    }

    public static void Amount(long? value, string name)
    {
        if (value is < 0 or > TransactionValidation.MaxAmount)
        {
            throw new HubException($"{name} must be between 0 and {TransactionValidation.MaxAmount} minor units.");
        }
    }

    public static T Required<T>(T? value, string name) where T : class => value ?? throw new HubException($"{name} is required.");

    /// <summary>A terminal's value as an error message may repeat it: short, clean text only (nothing that could forge a log
    /// line).</summary>
    public static string Shown(string? value) =>
        value is null ? "null"
            : value.Length > 40 ? "a longer text"
            : TextRules.IsClean(value) ? $"'{value}'"
            : "text with control characters";

    /// <summary>The terminal's own transaction a message names (none when it names none), else the HubException; its register
    /// is null when the terminal made it by itself.</summary>
    public static async Task<(Guid Id, string? RegisterId)?> TransactionOfAsync(RelayDbContext db, Guid terminalId, string? transactionId)
    {
        if (transactionId is null)
        {
            return null;
        }

        var found = Guid.TryParse(transactionId, out var id)
            ? await db.Transactions.Where(t => t.Id == id && t.TerminalId == terminalId).Select(t => new { t.RegisterId })
                .FirstOrDefaultAsync()
            : null;
        return found is null
            ? throw new HubException($"Transaction {Shown(transactionId)} is not one of this terminal's.")
            : (id, found.RegisterId);
    }
}
