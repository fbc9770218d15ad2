using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Relay.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Relay.Tests.Fuzz;

/// <summary>
/// Every hub method, called by a terminal through the official SignalR client with wrong argument counts and types, nulls,
/// huge and control-character strings, and another terminal's ids (fixed seed). Every call is answered (a result, or a
/// HubException saying what is wrong), the connection stays usable, and no transaction changes state.
/// </summary>
public sealed class HubFuzzTests(RelayFixture relay, ITestOutputHelper output) : IClassFixture<RelayFixture>
{
    private const int Seed = 20261201;
    private const int Calls = 1500;

    private static readonly (string Method, int Arity)[] Methods =
    [
        ("RequestPairingCode", 0), ("Display", 2), ("Print", 3), ("RequestInput", 2), ("Notify", 1), ("TransactionReceived", 1),
        ("TransactionStarted", 1), ("CompleteTransaction", 1), ("NoSuchMethod", 1), ("completetransaction", 1), ("OnConnectedAsync", 0),
    ];

    [Fact]
    public async Task MalformedHubCallsAreRefusedClearlyAndChangeNoTransaction()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var other = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(other, "till-other");
        var otherPayment = await merchant.PurchaseAsync("till-other", 1250, expiresInSeconds: 600).Expect(201);
        var otherId = otherPayment.Str("id");
        Assert.True(await other.Client.TransactionReceivedAsync(otherId));
        Assert.Equal("in_progress", await other.Client.TransactionStartedAsync(otherId));

        var (hub, terminalId) = await relay.ConnectNewAsync(merchant);
        await using var _ = hub;
        await hub.PairAsync(merchant, "till-fuzzed");
        var ownPayment = await merchant.PurchaseAsync("till-fuzzed", 990, expiresInSeconds: 600).Expect(201);

        var random = new Random(Seed);
        var answered = 0;
        var refused = 0;
        var failures = new List<string>();
        for (var i = 0; i < Calls && failures.Count < 20; i++)
        {
            var (method, arity) = Methods[random.Next(Methods.Length)];
            var count = random.Next(4) == 0 ? random.Next(4) : arity;
            var huge = false;
            var arguments = Enumerable.Range(0, count).Select(_ => Argument(random, otherId, ref huge)).ToArray();
            var call = $"{method}({string.Join(", ", arguments.Select(Shown))})";
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await hub.InvokeCoreAsync<object?>(method, arguments, timeout.Token);
                answered++;
            }
            catch (HubException e) when (e.Message.Contains(Relay.Api.Hubs.HubErrors.FaultMessage, StringComparison.Ordinal)
                                         || e.Message.EndsWith("on the server.", StringComparison.Ordinal))
            {
                failures.Add($"{call}: a fault of the relay's, or an error without its reason: {e.Message}");
            }
            catch (HubException e)
            {
                refused++;
                if (e.Message.Contains("   at ", StringComparison.Ordinal) || e.Message.Contains("Npgsql", StringComparison.Ordinal))
                    failures.Add($"{call}: the refusal shows internals: {e.Message}");
            }
            catch (Exception e)
            {
                failures.Add($"{call}: {e.GetType().Name}: {e.Message}");
            }

            if (hub.State != HubConnectionState.Connected)
            {
                failures.Add($"{call}: the connection is {hub.State} afterwards");
                break;
            }
        }

        output.WriteLine($"{answered + refused + failures.Count} hub calls: {answered} answered, " +
            $"{refused} refused with a HubException, {failures.Count} failed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Still usable, and nothing moved: the other terminal's payment is as it left it, this terminal's is still pending.
        Assert.NotNull((await hub.InvokeAsync<JsonObject>("RequestPairingCode"))["code"]);
        var otherNow = await merchant.GetTransactionAsync(otherId);
        Assert.Equal("in_progress", otherNow.Str("status"));
        Assert.Null(otherNow["result"]);
        Assert.Equal("pending", (await merchant.GetTransactionAsync(ownPayment.Str("id"))).Str("status"));
        Assert.Equal(terminalId, ownPayment.Str("terminalId"));
    }

    private static object? Argument(Random random, string otherTransactionId, ref bool huge)
    {
        switch (random.Next(14))
        {
            case 0: return null;
            case 1: return "";
            case 2: return otherTransactionId;
            case 3: return Guid.NewGuid().ToString();
            case 4: return random.Next(2) == 0 ? "not-an-id" : "APPROVED\u0000";
            case 5: return random.Next(-5, 5);
            case 6: return random.Next(2) == 0;
            case 7: return new JsonArray(1, "two", null);
            case 8 when !huge:
                huge = true;
                return new string('x', 100 * 1024);
            case 9: return new JsonObject { ["kind"] = "card_inserted", ["data"] = new JsonObject { ["pan"] = "\u0000" } };
            case 10: return new JsonObject { ["requestId"] = "q\u0001", ["kind"] = "text", ["prompt"] = "Email?", ["timeoutSeconds"] = 30 };
            case 11: return Result(random, otherTransactionId);
            case 12: return new JsonObject { ["transactionId"] = new JsonObject(), ["outcome"] = 7 };
            default: return "\ud800 lone surrogate";
        }
    }

    private static JsonObject Result(Random random, string otherTransactionId)
    {
        var result = new JsonObject
        {
            ["transactionId"] = random.Next(3) == 0 ? Guid.NewGuid().ToString() : otherTransactionId,
            ["outcome"] = random.Next(5) switch { 0 => "approved", 1 => "declined", 2 => "bogus", 3 => null, _ => "failed" },
            ["responseCode"] = "00",
        };
        switch (random.Next(6))
        {
            case 0: result["responseText"] = "APPROVED\u0000"; break;
            case 1: result["amountAuthorised"] = -100; break;
            case 2: result["tipAmount"] = "lots"; break;
            case 3: result["merchantReceipt"] = "ok\nline\u0007"; break;
            case 4: result["surchargeAmount"] = 1e300; break;
        }

        return result;
    }

    private static string Shown(object? argument) => argument switch
    {
        null => "null",
        string { Length: > 40 } s => $"<{s.Length} chars>",
        string s => "'" + string.Concat(s.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString())) + "'",
        JsonNode node => node.ToJsonString().Length > 80 ? node.ToJsonString()[..80] + "…" : node.ToJsonString(),
        _ => argument.ToString()!,
    };
}
