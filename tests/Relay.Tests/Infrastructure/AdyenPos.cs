using System.Text.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// tests/interop/adyen-pos.mjs run by node: a POS written with the official Adyen library for Node, talking to the relay's
/// nexo facade over HTTPS. Each command is one JSON line (see the script); its result is the line whose step is its tag.
/// </summary>
public sealed class AdyenPos : NodeScript
{
    private int _tags;

    private AdyenPos(string nexoUrl, string apiKey, string certificatePem)
        : base("the Adyen library POS", "adyen-pos.mjs", Path.Combine("@adyen", "api-library"), [], new Dictionary<string, string>
        {
            ["RELAY_NEXO_URL"] = nexoUrl, ["RELAY_API_KEY"] = apiKey, ["NODE_EXTRA_CA_CERTS"] = certificatePem,
        })
    {
    }

    /// <summary>Starts the POS for a merchant's key against the relay's HTTPS <c>/nexo</c>, trusting the relay's certificate.</summary>
    public static AdyenPos Start(KestrelRelayFixture relay, string apiKey) =>
        new(relay.HttpsUrl + "/nexo", apiKey, relay.CertificatePemPath);

    /// <summary>Sends a command without waiting: its result is <see cref="ResultAsync"/> of the tag returned.</summary>
    public async Task<string> SendCommandAsync(object command)
    {
        var tag = "c" + Interlocked.Increment(ref _tags);
        var line = JsonSerializer.SerializeToNode(command)!.AsObject();
        line["tag"] = tag;
        await SendAsync(line.ToJsonString());
        return tag;
    }

    /// <summary>
    /// The result of a command: what the library answered, asserting that it threw nothing and that its serializer kept
    /// every member of what Relay sent.
    /// </summary>
    public async Task<JsonNode> ResultAsync(string tag, int seconds = 30)
    {
        var result = await Next(tag, seconds);
        Assert.True(result["error"] is null, $"the Adyen library threw: {result["error"]}\n{Transcript}");
        Assert.True(result["lost"]!.AsArray().Count == 0,
            $"the Adyen library's models have no place for (or changed) {result["lost"]!.ToJsonString()} of {(string?)result["received"]}");
        return result;
    }

    /// <summary>Sends a command and waits for its result.</summary>
    public async Task<JsonNode> RunAsync(object command, int seconds = 30) => await ResultAsync(await SendCommandAsync(command), seconds);
}
