namespace Relay.Api.Infrastructure;

/// <summary>Collects field errors for one request; empty means valid.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void Text(string field, string? value, int maxLength, bool required = false, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required || value is not null)
            {
                Add(field, required ? $"{field} is required." : $"{field} must not be blank when given.");
            }
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"{field} must be at most {maxLength} characters.");
        }
        else if (!TextRules.IsClean(value, multiline))
        {
            Add(field, $"{field} must not contain control characters{(multiline ? " other than line breaks and tabs" : "")}.");
        }
    }

    /// <summary>Every message, field by field, for answers that are not problem details (nexo's AdditionalResponse).</summary>
    public IEnumerable<string> Messages => _errors.SelectMany(e => e.Value);

    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ToProblem() =>
        Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
