using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Actions;
using Relay.Api.Data;
using Relay.Api.Infrastructure;

namespace Relay.Api.Nexo;

/// <summary>nexo's Device class, Display, Input and Print to the terminal's screen, keypad and printer, as Relay terminal actions
/// (display, collect_inputs, print) keyed by the message's ServiceID.</summary>
public sealed class NexoDevice(RelayDbContext db, ActionService actions, NexoAsyncMessages asyncMessages)
{
    private static readonly Dictionary<string, string> InputKinds = new(StringComparer.Ordinal)
    {
        ["GetConfirmation"] = "confirm", ["TextString"] = "text", ["DigitString"] = "number",
    };

    public async Task<SaleToPoiResponseEnvelope?> DisplayAsync(NexoCall call, DisplayRequest display, CancellationToken ct)
    {
        var outputs = display.DisplayOutput ?? [];
        SaleToPoiResponseEnvelope Answer(Response response) => call.Answer(new SaleToPoiResponse
        {
            DisplayResponse = new DisplayResponse(outputs.Length == 0
                ? [new OutputResult(null, null, response)]
                : outputs.Select(o => new OutputResult(o?.Device, o?.InfoQualify, response)).ToArray()),
        });
        if (call.Mode == NexoMode.Replay) return await ReplayAsync(call, action => Answer(ResponseOf(action)), ct);

        if (outputs is not [{ OutputContent: { } content }])
        {
            return Answer(NexoResults.MessageFormat("DisplayRequest needs exactly one DisplayOutput with OutputContent."));
        }

        var request = new CreateActionRequest(ActionType.Display, new ActionDisplay(null, null, null, TextOf(content)),
            null, null, null, null, null, null);
        return await RunAsync(call, request, ct, action => Answer(ResponseOf(action)), Answer);
    }

    public async Task<SaleToPoiResponseEnvelope?> InputAsync(NexoCall call, InputRequest input, CancellationToken ct)
    {
        var data = input.InputData;
        var command = data?.InputCommand;
        var kind = InputKinds.GetValueOrDefault(command ?? "");
        SaleToPoiResponseEnvelope Answer(Response response, Input? given = null) => call.Answer(new SaleToPoiResponse
        {
            InputResponse = new InputResponse(null, new InputResult(data?.Device, data?.InfoQualify, response, given)),
        });
        SaleToPoiResponseEnvelope Given(TerminalActionResponse action)
        {
            var given = action.Result?["inputs"] is JsonArray { Count: > 0 } inputs && inputs[0] is JsonObject first
                ? first["value"]
                : null;
            var value = given is JsonValue one && one.TryGetValue<string>(out var text) ? text : null;
            return Answer(ResponseOf(action), action.Status != ActionStatus.Succeeded ? null : kind switch
            {
                "confirm" => new Input
                {
                    InputCommand = command,
                    ConfirmedFlag = value is "yes" or "true" || (given is JsonValue flag && flag.TryGetValue<bool>(out var yes) && yes),
                },
                "number" => new Input { InputCommand = command, DigitInput = value },
                _ => new Input { InputCommand = command, TextInput = value },
            });
        }

        if (call.Mode == NexoMode.Replay) return await ReplayAsync(call, Given, ct);
        if (command is null)
        {
            return Answer(NexoResults.MessageFormat("InputRequest needs InputData with InputCommand."));
        }

        if (kind is null)
        {
            return Answer(NexoResults.Failure("NotAllowed", $"InputCommand {command} is not offered: GetConfirmation, TextString or DigitString."));
        }

        var prompt = input.DisplayOutput?.OutputContent is { } content ? TextOf(content) : null;
        // In sync the answer must come within the sync wait, with the time the terminal may take to pick the action up (it
        // expires after 30 s) and a margin.
        var longest = call.Wait is { } wait ? Math.Max(5, (int)wait.TotalSeconds - 40) : 300;
        var request = new CreateActionRequest(ActionType.CollectInputs, null,
            [new ActionInput("input", kind, prompt, true, null, null, null)],
            data!.MaxInputTime is { } seconds ? Math.Clamp(seconds, 5, longest) : null, null, null, null, null);
        return await RunAsync(call, request, ct, Given, response => Answer(response));
    }

    public async Task<SaleToPoiResponseEnvelope?> PrintAsync(NexoCall call, PrintRequest print, CancellationToken ct)
    {
        var output = print.PrintOutput;
        SaleToPoiResponseEnvelope Answer(Response response) =>
            call.Answer(new SaleToPoiResponse { PrintResponse = new PrintResponse(output?.DocumentQualifier, response) });
        if (call.Mode == NexoMode.Replay) return await ReplayAsync(call, action => Answer(ResponseOf(action)), ct);

        if (output?.OutputContent is not { } content)
        {
            return Answer(NexoResults.MessageFormat("PrintRequest needs PrintOutput with OutputContent."));
        }

        var request = new CreateActionRequest(ActionType.Print, null, null, null, new ActionPrint(TextOf(content), null), null, null, null);
        return await RunAsync(call, request, ct, action => Answer(ResponseOf(action)), Answer);
    }

    /// <summary>Cancels the referenced action as a POS cancel does.</summary>
    public async Task AbortAsync(NexoCall call, string serviceId)
    {
        var keys = call.KeysOf(serviceId);
        var id = NexoCall.FirstHeld(keys, (await db.TerminalActions.AsNoTracking()
            .Where(a => a.AccountId == call.AccountId && keys.Contains(a.IdempotencyKey))
            .Select(a => new { a.IdempotencyKey, a.Id }).ToListAsync()).Select(a => (a.IdempotencyKey, a.Id)));
        if (id is not null)
        {
            await actions.CancelAsync(call.AccountId, id.Value);
        }
    }

    /// <summary>A kept async message's response: what it made (<see cref="NexoCall.Made"/>) once ended, read only.</summary>
    private async Task<SaleToPoiResponseEnvelope?> ReplayAsync(
        NexoCall call, Func<TerminalActionResponse, SaleToPoiResponseEnvelope> answer, CancellationToken ct) =>
        call.Made is { } id && await actions.LoadAsync(call.AccountId, id, ct) is { } made && TerminalAction.IsFinal(made.Status)
            ? answer(made)
            : null;

    /// <summary>The action's answer; null when accepted async.</summary>
    private async Task<SaleToPoiResponseEnvelope?> RunAsync(
        NexoCall call, CreateActionRequest request, CancellationToken ct, Func<TerminalActionResponse, SaleToPoiResponseEnvelope> answer,
        Func<Response, SaleToPoiResponseEnvelope> refused)
    {
        var errors = ActionValidation.Validate(request);
        if (errors.Any)
        {
            return refused(NexoResults.MessageFormat(string.Join(" ", errors.Messages)));
        }

        if (call.Mode == NexoMode.Async) await asyncMessages.KeepAsync(call, RelayJson.HashOf(request), ct);

        var created = await actions.CreateAsync(call.AccountId, call.TerminalId, call.Key, request, call.Wait, ct);
        return created.Refusal switch
        {
            // Accepted async: "ok", and the response follows as a webhook; one that has ended already is answered now.
            null when !TerminalAction.IsFinal(created.Action!.Status) => call.NotEnded(),
            null => answer(created.Action!),
            ActionRefusal.TerminalBusy => refused(NexoResults.Failure("Busy", "The terminal is serving a transaction.")),
            ActionRefusal.TerminalOffline => refused(NexoResults.Failure("UnavailableDevice", "The terminal is not connected to Relay.")),
            ActionRefusal.IdempotencyKeyReused => refused(NexoResults.MessageFormat(
                $"ServiceID {call.Header.ServiceID} was used on this POIID for another message.")),
            _ => refused(NexoResults.Failure("NotFound", "The terminal cannot take it.")),
        };
    }

    private static Response ResponseOf(TerminalActionResponse action) => action.Status switch
    {
        ActionStatus.Succeeded => NexoResults.Success,
        ActionStatus.Cancelled => NexoResults.Failure("Aborted", "Aborted before the terminal finished."),
        ActionStatus.Expired => NexoResults.Failure("UnavailableDevice", "The terminal did not take it in time."),
        ActionStatus.Failed when action.FailureCode is "timeout" => NexoResults.Failure("Cancel", "No answer in time."),
        ActionStatus.Failed when action.FailureCode is "declined_by_customer" => NexoResults.Failure("Cancel", "The customer declined."),
        ActionStatus.Failed => new Response("Failure", "UnavailableDevice",
            NexoResults.Details(("failureCode", action.FailureCode), ("message", action.FailureMessage))),
        _ => NexoResults.Failure("InProgress", "The terminal has not finished it yet."),
    };

    /// <summary>The lines of an OutputContent as one text.</summary>
    private static string TextOf(OutputContent content) =>
        string.Join("\n", (content.OutputText ?? []).Select(t => t?.Text ?? ""));
}
