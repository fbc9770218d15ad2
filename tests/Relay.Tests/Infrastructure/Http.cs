using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.Infrastructure;

/// <summary>Plain HTTP as a POS sends it; responses read as JSON nodes so tests assert the wire format itself.</summary>
public static class Http
{
    public static HttpClient WithKey(this HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body, string? idempotencyKey = null,
        int? wait = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (wait is not null) request.Headers.Add("Prefer", $"wait={wait}");
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string url, string body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json")
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetWaiting(this HttpClient client, string url, int wait)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Prefer", $"wait={wait}");
        return client.SendAsync(request);
    }

    public static async Task<JsonNode> Json(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    /// <summary>Asserts the status and returns the body.</summary>
    public static async Task<JsonNode> Expect(this Task<HttpResponseMessage> call, int status)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    /// <summary>Asserts a problem-details answer with the given status and code.</summary>
    public static async Task<JsonNode> ExpectProblem(this Task<HttpResponseMessage> call, int status, string code)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(code, (string?)problem["code"]);
        Assert.DoesNotContain("   at ", body); // no stack trace
        return problem;
    }

    public static string Str(this JsonNode node, string name) =>
        (string?)node[name] ?? throw new InvalidOperationException($"no {name} in {node}");
}
