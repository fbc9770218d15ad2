using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Tests.Fuzz;

/// <summary>The credentials and real ids a fuzzed request may carry.</summary>
public sealed record FuzzWorld(string AccountKey, string AdminKey, string RevokedKey, IReadOnlyDictionary<string, string> RealIds);

/// <summary>
/// Builds one fuzzed request for an operation from a seeded <see cref="Random"/>: a valid-looking request with one or more
/// of its parts broken (credentials, Accept, path, query, headers, content type, body).
/// </summary>
public sealed class RequestMutator(OpenApiOperations api, FuzzWorld world)
{
    private static readonly string[] Accepts =
    [
        "application/json", "text/event-stream", "text/html", "application/xml", "*/*", "text/plain", "application/problem+json",
        "garbage/;;;", ""
    ];

    private static readonly string?[] ContentTypes =
    [
        "application/json", "application/json", "application/json", "application/json; charset=utf-8", "application/json; charset=nope",
        "application/json; charset=utf-16", "application/json; charset=\"\"", "text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/xml", null,
    ];

    private static readonly string[] BadStrings =
    [
        "", " ", "\u0000", "APPROVED\u0000", "a\u0001b", "line\nbreak", "tab\t", "\u007f", "\u0085", "\ud800", "\udc00x", "\uffff",
        "%00", "' OR 1=1 --", "../../etc/passwd", "<script>alert(1)</script>", "😀😀😀", "\u202e\u200b", "null", "-1", "1e400",
        new string('x', 100 * 1024),
    ];

    private static readonly string[] BadPathValues =
    [
        "not-a-guid", "%00", "a%00b", "%FF", "%E2%80%8F", "00000000-0000-0000-0000-000000000000", "..%2F..", "%20", "' OR 1=1 --",
        new string('9', 5000), "😀", "-1", "1e400",
    ];

    private static readonly string[] BadNumbers =
    [
        "-1", "0", "1.5", "-0", "1e308", "1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999", "NaN", "0x10"
    ];

    public (HttpRequestMessage Request, string Description) Build(Operation op, Random random)
    {
        var parts = new List<string>();
        var path = op.Path;
        foreach (var p in op.Parameters.Where(p => p.In == "path"))
        {
            var real = world.RealIds.TryGetValue(op.Path + ":" + p.Name, out var id) && op.Method != "DELETE" ? id : null;
            var value = random.Next(10) switch
            {
                < 5 when real is not null => real,
                < 7 => Guid.NewGuid().ToString(),
                _ => Pick(random, BadPathValues),
            };
            if (value.Length > 0 && value != real && !Guid.TryParse(value, out _)) parts.Add($"path {p.Name}={Shown(value)}");
            path = path.Replace("{" + p.Name + "}", value.Contains('%') ? value : Uri.EscapeDataString(value));
        }

        var query = new List<string>();
        foreach (var p in op.Parameters.Where(p => p.In == "query"))
        {
            switch (random.Next(6))
            {
                case 0 or 1:
                    break;
                case 2:
                    query.Add($"{p.Name}={Uri.EscapeDataString(api.Sample(p.Schema, random)?.ToString() ?? "")}");
                    break;
                case 3:
                    var bad = Pick(random, BadStrings);
                    query.Add($"{p.Name}={Uri.EscapeDataString(bad.Length > 2000 ? bad[..2000] : bad)}");
                    parts.Add($"query {p.Name}={Shown(bad)}");
                    break;
                case 4:
                    var number = Pick(random, BadNumbers);
                    query.Add($"{p.Name}={number}");
                    parts.Add($"query {p.Name}={number}");
                    break;
                default:
                    query.Add($"{p.Name}=a&{p.Name}=b");
                    parts.Add($"query {p.Name} twice");
                    break;
            }
        }

        var url = path + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var request = new HttpRequestMessage(new HttpMethod(op.Method), url);

        var (credential, which) = Credential(op, random);
        if (credential is not null) request.Headers.TryAddWithoutValidation("Authorization", credential);
        parts.Add("credential " + which);

        var accept = Pick(random, Accepts);
        if (accept.Length > 0) request.Headers.TryAddWithoutValidation("Accept", accept);
        parts.Add("accept " + (accept.Length > 0 ? accept : "none"));

        foreach (var p in op.Parameters.Where(p => p.In == "header"))
        {
            var value = p.Name switch
            {
                "Idempotency-Key" => random.Next(8) switch
                {
                    0 => null, 1 => "", 2 => new string('k', 300), 3 => "k\tey", 4 => "%00", _ => Guid.NewGuid().ToString(),
                },
                "Prefer" => random.Next(6) switch
                {
                    0 => "wait=0", 1 => "wait=abc", 2 => "wait=-5", 3 => "wait", 4 => "respond-async, wait=0", _ => null
                },
                _ => Pick(random, BadStrings),
            };
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(p.Name, value);
                parts.Add($"header {p.Name}={Shown(value)}");
            }
        }

        if (op.Method is "POST" or "PUT" or "PATCH" or "DELETE" && (op.BodySchema is not null || random.Next(4) == 0))
        {
            var (body, bodyDescription) = Body(op, random);
            var content = new ByteArrayContent(body);
            var contentType = op.BodySchema is null && random.Next(2) == 0 ? "application/json" : Pick(random, ContentTypes);
            if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Content = content;
            // As a careful client sends a large body: only once the relay is ready to read it (it may refuse it first).
            request.Headers.ExpectContinue = body.Length > 64 * 1024;
            parts.Add($"content-type {contentType ?? "none"}, body {bodyDescription}");
        }

        return (request, string.Join("; ", parts));
    }

    private (string? Header, string Which) Credential(Operation op, Random random)
    {
        var valid = op.IsAdmin ? world.AdminKey : world.AccountKey;
        var other = op.IsAdmin ? world.AccountKey : world.AdminKey;
        return random.Next(14) switch
        {
            < 8 => ("Bearer " + valid, "valid"),
            8 => ("Bearer rk_" + Guid.NewGuid().ToString("N"), "wrong"),
            9 => ("Bearer " + world.RevokedKey, "revoked"),
            10 => (null, "none"),
            11 => ("Bearer " + other, "other kind"),
            12 => ("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("a:b")), "basic"),
            _ => ("Bearer " + new string('k', 5000), "huge"),
        };
    }

    private (byte[] Body, string Description) Body(Operation op, Random random)
    {
        var sample = op.BodySchema is null ? new JsonObject() : api.Sample(op.BodySchema, random) as JsonObject ?? new JsonObject();
        var members = sample.Select(m => m.Key).ToList();
        string Member() => members.Count > 0 ? members[random.Next(members.Count)] : "extra";
        JsonNode? WrongType(JsonNode? value) => value switch
        {
            JsonValue v when v.TryGetValue<string>(out _) => random.Next(2) == 0 ? 42 : new JsonArray("x"),
            JsonValue => random.Next(2) == 0 ? "42" : new JsonObject { ["x"] = 1 },
            JsonArray => "not-an-array",
            JsonObject => 7,
            _ => true,
        };

        switch (random.Next(16))
        {
            case 0:
                return (Utf8(sample), "valid sample");
            case 1:
                var removed = Member();
                sample.Remove(removed);
                return (Utf8(sample), $"without {removed}");
            case 2:
                var nulled = Member();
                sample[nulled] = null;
                return (Utf8(sample), $"{nulled}=null");
            case 3:
                var wrong = Member();
                sample[wrong] = WrongType(sample[wrong]);
                return (Utf8(sample), $"{wrong} of the wrong type");
            case 4:
                sample["unexpected" + random.Next(100)] = new JsonObject { ["deep"] = new JsonArray(1, "two", null) };
                return (Utf8(sample), "an extra member");
            case 5 or 6:
                var texted = Member();
                var text = Pick(random, BadStrings);
                sample[texted] = text;
                return (Utf8(sample), $"{texted}={Shown(text)}");
            case 7:
                var numbered = Member();
                var number = Pick(random, BadNumbers);
                sample[numbered] = 123456789;
                return (Encoding.UTF8.GetBytes(sample.ToJsonString().Replace("123456789", number)), $"{numbered}={number}");
            case 8:
                var depth = random.Next(2) == 0 ? 70 : 10_000;
                return (Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)), $"nested {depth} deep");
            case 9:
                var target = Member();
                sample[target] = "MARK";
                var bytes = Utf8(sample);
                var at = Encoding.UTF8.GetString(bytes).IndexOf("MARK", StringComparison.Ordinal);
                byte[] invalid = random.Next(3) switch { 0 => [0xC3, 0x28], 1 => [0xFF, 0xFE], _ => [0xED, 0xA0, 0x80] };
                return ([.. bytes[..at], .. invalid, .. bytes[(at + 4)..]], $"invalid UTF-8 in {target}");
            case 10:
                var raw = Pick(random,
                    new[] { "{", "", "null", "[]", "123", "\"str\"", "{\"a\":", "{'single':'quotes'}", "\u0000", "true" });
                return (Encoding.UTF8.GetBytes(raw), $"raw {Shown(raw)}");
            case 11:
                var duplicated = Member();
                var once = sample.ToJsonString();
                return (Encoding.UTF8.GetBytes(once.TrimEnd('}') + (once.Length > 2 ? "," : "") + $"\"{duplicated}\":\"again\"}}"),
                    $"{duplicated} twice");
            case 12:
                return (Encoding.UTF8.GetBytes("{\"x\":\"" + new string('y', 900_000) + "\"}"), "900 KB");
            case 13:
                foreach (var m in members) sample[m] = null;
                return (Utf8(sample), "all null");
            default:
                foreach (var m in members.Where(_ => random.Next(2) == 0)) sample[m] = WrongType(sample[m]);
                return (Utf8(sample), "several of the wrong type");
        }
    }

    private static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];

    private static string Shown(string value) =>
        value.Length > 40
            ? $"<{value.Length} chars>"
            : "'" + string.Concat(value.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString())) + "'";
}
