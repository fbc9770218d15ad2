using System.Text.Json.Nodes;

namespace Relay.Tests.Fuzz;

/// <summary>One operation of the relay's OpenAPI document: what the fuzzer needs to build requests for it.</summary>
public sealed record Operation(string Method, string Path, string[] Tags, Parameter[] Parameters, JsonNode? BodySchema)
{
    public bool IsAdmin => Tags.Contains("Admin");
    public bool IsAnonymous => Path == "/api/v1/terminal-activations";
    public override string ToString() => $"{Method} {Path}";
}

public sealed record Parameter(string In, string Name, JsonNode? Schema);

/// <summary>Reads the operations of an OpenAPI 3 document and makes a valid-looking sample of a schema.</summary>
public sealed class OpenApiOperations(JsonNode document)
{
    public IEnumerable<Operation> All()
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                var parameters = (op!["parameters"]?.AsArray() ?? [])
                    .Select(p => new Parameter((string)p!["in"]!, (string)p["name"]!, Resolve(p["schema"]))).ToArray();
                var tags = (op["tags"]?.AsArray() ?? []).Select(t => (string)t!).ToArray();
                var body = Resolve(op["requestBody"]?["content"]?["application/json"]?["schema"]);
                yield return new Operation(method.ToUpperInvariant(), path, tags, parameters, body);
            }
        }
    }

    public JsonNode? Resolve(JsonNode? schema)
    {
        for (var depth = 0; schema?["$ref"] is { } reference && depth < 10; depth++)
        {
            schema = document["components"]!["schemas"]![((string)reference!).Split('/')[^1]];
        }

        return schema;
    }

    /// <summary>A value that fits the schema (the first enum value, a short string, a small number), members all present.</summary>
    public JsonNode? Sample(JsonNode? schema, Random random, int depth = 0)
    {
        schema = Resolve(schema);
        if (schema is null || depth > 6) return "x";
        if (schema["enum"] is JsonArray values && values.Count > 0) return values[random.Next(values.Count)]?.DeepClone();
        if ((schema["oneOf"] ?? schema["anyOf"] ?? schema["allOf"]) is JsonArray choices && choices.Count > 0)
            return Sample(choices[0], random, depth + 1);
        return TypeOf(schema) switch
        {
            "object" => new JsonObject((schema["properties"]?.AsObject() ?? [])
                .Select(p => KeyValuePair.Create(p.Key, Sample(p.Value, random, depth + 1)))),
            "array" => new JsonArray(Sample(schema["items"], random, depth + 1)),
            "integer" => random.Next(1, 2000),
            "number" => random.Next(1, 2000),
            "boolean" => random.Next(2) == 0,
            _ => (string?)schema["format"] == "uuid" ? Guid.NewGuid().ToString() : "fuzz-" + random.Next(1000),
        };
    }

    public static string? TypeOf(JsonNode? schema) => schema?["type"] switch
    {
        JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t != "null"),
        JsonValue type => (string?)type,
        _ => schema?["properties"] is not null ? "object" : null,
    };
}
