using System.Globalization;
using System.Text.Json;

namespace Relay.Terminal.Simulator;

/// <summary>
/// The simulated customer's answers to <c>collect_inputs</c>: a scripted answer for the input's id, else for its kind,
/// else a default by kind:
/// <list type="table">
///   <listheader><term>kind</term><description>default answer</description></listheader>
///   <item><term>confirm</term><description><c>yes</c></description></item>
///   <item><term>text</term><description><c>Simulated answer</c> (also for a kind this simulator does not know)</description></item>
///   <item><term>number</term><description>min if given, else 42, at most max</description></item>
///   <item><term>email</term><description><c>customer@example.com</c></description></item>
///   <item><term>phone</term><description><c>+64 21 123 4567</c></description></item>
///   <item><term>selection</term><description>the first choice (skipped when there are none)</description></item>
///   <item><term>signature</term><description>the SVG path <see cref="Signature"/></description></item>
/// </list>
/// </summary>
public static class SimulatedInputs
{
    public const string Signature = "M 10 10 L 60 40 L 110 10";

    /// <summary>The default answer to <paramref name="input"/>; null (skipped) only for a selection with no choices.</summary>
    public static string? Default(ActionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind switch
        {
            "confirm" => "yes",
            "number" => Math.Min(input.Min ?? 42, input.Max ?? long.MaxValue).ToString(CultureInfo.InvariantCulture),
            "email" => "customer@example.com",
            "phone" => "+64 21 123 4567",
            "selection" => input.Choices is [var first, ..] ? first : null,
            "signature" => Signature,
            _ => "Simulated answer",
        };
    }

    /// <summary>The answer to <paramref name="input"/> (null: skipped), and whether <paramref name="script"/> gave it.</summary>
    public static (string? Value, bool Scripted) Answer(ActionInput input, IReadOnlyDictionary<string, string?>? script)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (script is not null && (script.TryGetValue(input.Id, out var value) || script.TryGetValue(input.Kind, out value)))
        {
            return (value, true);
        }

        return (Default(input), false);
    }

    /// <summary>
    /// Reads a script: a JSON object from input id (or kind) to the answer. A string is the answer as is, a number its
    /// digits, true and false <c>yes</c> and <c>no</c>, null skips the question. Throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(
                json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("must be a JSON object mapping an input id (or kind) to its answer.");
            }

            var answers = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                answers[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.True => "yes",
                    JsonValueKind.False => "no",
                    JsonValueKind.Null => null,
                    _ => throw new InvalidDataException(
                        $"the answer for '{property.Name}' must be a string, a number, true, false or null."),
                };
            }

            return answers;
        }
    }

    /// <summary><see cref="Parse"/> of a file; throws <see cref="InvalidDataException"/> naming it.</summary>
    public static IReadOnlyDictionary<string, string?> Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read: {ex.Message}", ex);
        }

        try
        {
            return Parse(json);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }
}
