using System.CommandLine;

namespace Relay.Terminal.Simulator.Commands;

/// <summary>
/// What a user types into a running simulator, one command a line: <c>sale --amount 1250</c> makes a standalone sale,
/// <c>settle</c> closes the batch, <c>help</c> lists them. Read until the input ends (none at all when it is not a console).
/// </summary>
internal static class ConsoleCommands
{
    public const string Hint = "Type 'sale --amount 1250' for a sale made on the terminal by itself, 'settle' to close the batch.";

    public static async Task RunAsync(TextReader input, TextWriter output, SimulatedTerminal terminal, CancellationToken ct)
    {
        var root = Create(terminal, ct);
        var configuration = new InvocationConfiguration { Output = output, Error = output };
        while (await input.ReadLineAsync(ct) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                await root.Parse(line).InvokeAsync(configuration, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                await output.WriteLineAsync($"{line.Trim()}: {ex.Message}");
            }
        }
    }

    public static RootCommand Create(SimulatedTerminal terminal, CancellationToken stopping)
    {
        var amount = new Option<long>("--amount") { Description = "Minor units (1250 is 12.50)", Required = true };
        amount.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() is < 1 or > 999_999_999_999) r.AddError("--amount must be from 1 to 999999999999.");
        });
        var currency = new Option<string>("--currency") { Description = "ISO 4217", DefaultValueFactory = _ => "NZD" };
        var type = new Option<string>("--type") { Description = "purchase, refund or cash_out", DefaultValueFactory = _ => "purchase" };
        type.AcceptOnlyFromAmong("purchase", "refund", "cash_out");
        var sale = new Command("sale", "A payment made on the terminal by itself (no POS), reported to the relay")
        {
            amount, currency, type,
        };
        sale.SetAction(async (parse, _) =>
        {
            await terminal.SaleAsync(parse.GetValue(type)!, parse.GetValue(amount), parse.GetValue(currency)!.ToUpperInvariant(), stopping);
            return 0;
        });

        var settle = new Command("settle", "Close the batch: its totals go to the relay as a settlement");
        settle.SetAction(async (_, _) =>
        {
            await terminal.SettleAsync(stopping);
            return 0;
        });

        return new RootCommand("Commands of a running simulator") { sale, settle };
    }
}
