using System.Text.Json;
using System.Text.RegularExpressions;
using Relay.Api.Actions;
using Relay.Api.Data;
using Relay.Api.Transactions;

namespace Relay.Tests.Unit;

/// <summary>The SQL that names final statuses by hand names exactly those the code counts final, so the two cannot drift.</summary>
public sealed class FinalStatusesInSqlTests
{
    private static readonly string FanOut = SqlFunctions.All().Single(f => f.Name.EndsWith("relay_fan_out_webhooks.sql")).Sql;

    [Fact]
    public void TheNexoFanOutTakesTheEndOfATransactionOrActionAtExactlyItsFinalStatuses()
    {
        Assert.Equal(Final<TransactionStatus>(Transaction.IsFinal), ListedAfter("WHEN 'transaction.updated'"));
        Assert.Equal(Final<ActionStatus>(TerminalAction.IsFinal), ListedAfter("WHEN 'terminal_action.updated'"));
    }

    private static string[] Final<T>(Func<T, bool> isFinal) where T : struct, Enum =>
        [.. Enum.GetValues<T>().Where(isFinal).Select(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString())).Order()];

    private static string[] ListedAfter(string marker)
    {
        var at = FanOut.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{marker} is not in relay_fan_out_webhooks.sql");
        var list = Regex.Match(FanOut[at..], @"IN \(([^)]*)\)").Groups[1].Value;
        return [.. list.Split(',').Select(s => s.Trim().Trim('\'')).Order()];
    }
}
