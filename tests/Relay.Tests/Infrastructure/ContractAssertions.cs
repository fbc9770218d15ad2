using System.Text.Json.Nodes;
using Relay.Terminal;

namespace Relay.Tests.Infrastructure;

/// <summary>Assertions on the error contract and small drivers shared by the idempotency, validation, authentication
/// and isolation tests.</summary>
public static class ContractAssertions
{
    /// <summary>Asserts 400 <c>validation-failed</c> whose <c>errors</c> names <paramref name="field"/>; returns the problem.</summary>
    public static async Task<JsonNode> ExpectValidationFailed(this Task<HttpResponseMessage> call, string field)
    {
        var problem = await call.ExpectProblem(400, "validation-failed");
        var errors = problem["errors"] as JsonObject;
        Assert.True(errors is not null && errors.ContainsKey(field) && errors[field] is JsonArray { Count: > 0 },
            $"expected errors to name '{field}': {problem.ToJsonString()}");
        return problem;
    }

    /// <summary>Asserts the 401 the API answers for missing or wrong credentials: problem details and a Bearer challenge.</summary>
    public static async Task<JsonNode> ExpectUnauthenticated(this Task<HttpResponseMessage> call)
    {
        var response = await call;
        var problem = await Task.FromResult(response).ExpectProblem(401, "unauthenticated");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        return problem;
    }

    public static Task<HttpResponseMessage> Send(this HttpClient client, HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = System.Net.Http.Json.JsonContent.Create(body);
        return client.SendAsync(request);
    }

    /// <summary>The ids on one page of a list endpoint.</summary>
    public static async Task<List<string>> ListIds(this HttpClient client, string url, string idField = "id")
    {
        var page = await client.GetAsync(url).Expect(200);
        return page["items"]!.AsArray().Select(i => i!.Str(idField)).ToList();
    }

    /// <summary>Drives a non-simulated terminal through the next transaction it receives and approves it.</summary>
    public static async Task<string> ApproveNextAsync(this TestTerminal terminal)
    {
        var start = await terminal.NextStart();
        Assert.True(await terminal.Client.TransactionReceivedAsync(start.Id));
        await terminal.Client.TransactionStartedAsync(start.Id);
        var ack = await terminal.Client.CompleteTransactionAsync(new TerminalResult(start.Id, TransactionOutcome.Approved)
        {
            ResponseCode = "00", ResponseText = "APPROVED", AuthCode = "123456", AmountAuthorised = start.Amount,
        });
        Assert.True(ack.Accepted);
        Assert.Equal("approved", ack.Status);
        return start.Id;
    }
}
