using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Actions;

public static class ActionValidation
{
    public const int MaxInputs = 5;

    public static readonly string[] InputKinds = ["confirm", "text", "number", "email", "phone", "selection", "signature"];

    public static ValidationErrors Validate(CreateActionRequest r)
    {
        var errors = new ValidationErrors();
        if (r.ExpiresInSeconds is < 5 or > 300) errors.Add("expiresInSeconds", "expiresInSeconds must be from 5 to 300.");
        if (r.Type is not { } type)
        {
            errors.Add("type", $"type is required: one of {WireEnum<ActionType>.AllNames}.");
            return errors;
        }

        var name = WireEnum<ActionType>.Name(type);
        void Only(object? value, string field, ActionType owner)
        {
            if (value is not null && type != owner)
                errors.Add(field, $"{field} is for type {WireEnum<ActionType>.Name(owner)}, not {name}.");
        }

        Only(r.Display, "display", ActionType.Display);
        Only(r.Inputs, "inputs", ActionType.CollectInputs);
        Only(r.TimeoutSeconds, "timeoutSeconds", ActionType.CollectInputs);
        Only(r.Print, "print", ActionType.Print);
        Only(r.Qr, "qr", ActionType.ShowQr);
        switch (type)
        {
            case ActionType.Display:
                Display(r.Display, errors);
                break;
            case ActionType.CollectInputs:
                Inputs(r.Inputs, errors);
                if (r.TimeoutSeconds is < 5 or > 300) errors.Add("timeoutSeconds", "timeoutSeconds must be from 5 to 300.");
                break;
            case ActionType.Print when r.Print is null || (r.Print.Text is null) == (r.Print.QrCode is null):
                errors.Add("print", "print needs exactly one of text and qrCode.");
                break;
            case ActionType.Print:
                errors.Text("print.text", r.Print.Text, 4000, multiline: true);
                errors.Text("print.qrCode", r.Print.QrCode, 2000);
                break;
            case ActionType.ShowQr:
                errors.Text("qr.data", r.Qr?.Data, 2000, required: true);
                errors.Text("qr.text", r.Qr?.Text, 200);
                break;
        }

        return errors;
    }

    private static void Display(ActionDisplay? display, ValidationErrors errors)
    {
        if (display is null || (display.Lines is not { Length: > 0 } && display.Text is null && display.Total is null))
        {
            errors.Add("display", "display needs lines, a total or a text.");
            return;
        }

        if (display.Lines is { Length: > 50 }) errors.Add("display.lines", "display.lines may have at most 50 lines.");
        for (var i = 0; i < Math.Min(display.Lines?.Length ?? 0, 50); i++)
        {
            var line = display.Lines![i];
            if (line is null)
            {
                errors.Add($"display.lines[{i}]", "A line must be an object.");
                continue;
            }

            errors.Text($"display.lines[{i}].description", line.Description, 100, required: true);
            if (line.Quantity is < 1 or > 9999) errors.Add($"display.lines[{i}].quantity", "quantity must be from 1 to 9999.");
            Amount(line.Amount, $"display.lines[{i}].amount", errors);
        }

        Amount(display.Total, "display.total", errors);
        errors.Text("display.text", display.Text, 500, multiline: true);
        var amounts = display.Total is not null || display.Lines?.Any(l => l?.Amount is not null) == true;
        if (display.Currency is { } currency ? !Iso4217.IsCode(currency) : amounts)
        {
            errors.Add("display.currency", "display.currency must be an ISO 4217 code (e.g. NZD) when the display shows amounts.");
        }
    }

    private static void Inputs(ActionInput[]? inputs, ValidationErrors errors)
    {
        if (inputs is not { Length: >= 1 and <= MaxInputs })
        {
            errors.Add("inputs", $"inputs needs 1 to {MaxInputs} inputs.");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Length; i++)
        {
            var field = $"inputs[{i}]";
            if (inputs[i] is not { } input)
            {
                errors.Add(field, "An input must be an object.");
                continue;
            }

            errors.Text($"{field}.id", input.Id, 50, required: true);
            if (input.Id is { } id && !ids.Add(id)) errors.Add($"{field}.id", $"The id '{id}' is used by another input.");
            errors.Text($"{field}.prompt", input.Prompt, 200, required: true);
            if (input.Kind is not { } kind || !InputKinds.Contains(kind))
            {
                errors.Add($"{field}.kind", $"kind must be one of {string.Join(", ", InputKinds)}.");
                continue;
            }

            if (kind == "selection")
            {
                if (input.Choices is not { Length: >= 2 and <= 4 }) errors.Add($"{field}.choices", "A selection needs 2 to 4 choices.");
                for (var c = 0; c < (input.Choices?.Length ?? 0); c++)
                    errors.Text($"{field}.choices[{c}]", input.Choices![c], 50, required: true);
            }
            else if (input.Choices is not null)
            {
                errors.Add($"{field}.choices", "choices are for a selection.");
            }

            if (kind != "number" && (input.Min is not null || input.Max is not null))
                errors.Add($"{field}.min", "min and max are for a number.");
            if (input.Min > input.Max) errors.Add($"{field}.min", "min must not be more than max.");
        }
    }

    private static void Amount(long? value, string field, ValidationErrors errors)
    {
        if (value is < 0 or > TransactionValidation.MaxAmount)
            errors.Add(field, $"{field} must be from 0 to {TransactionValidation.MaxAmount}.");
    }
}
