using System.CommandLine;

namespace Relay.Terminal.Simulator.Commands;

/// <summary><c>activate</c>: trade an activation code for a device token and save it.</summary>
internal static class ActivateCommand
{
    public static Command Create()
    {
        var relay = new Option<string>("--relay") { Description = "The relay's base URL, e.g. http://127.0.0.1:5080", Required = true };
        var code = new Option<string>("--code") { Description = "The activation code from POST /api/v1/terminals", Required = true };
        var state = CommonOptions.State();
        var serial = new Option<string>("--serial") { Description = "Serial number to report", DefaultValueFactory = _ => "SIM-0001" };
        var model = new Option<string>("--model") { Description = "Model to report", DefaultValueFactory = _ => "Simulator" };

        var command = new Command("activate", "Activate this simulated terminal with a one-time activation code")
        {
            relay, code, state, serial, model
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetRequiredValue(relay),
            parse.GetRequiredValue(code),
            parse.GetRequiredValue(state),
            parse.GetRequiredValue(serial),
            parse.GetRequiredValue(model),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(
        string relay, string code, string stateDirectory, string serial, string model, CancellationToken ct)
    {
        if (!Uri.TryCreate(relay, UriKind.Absolute, out var relayUrl) || relayUrl.Scheme is not ("http" or "https"))
        {
            return CommonOptions.Fail($"--relay must be an absolute http:// or https:// URL, got '{relay}'.");
        }

        ActivationResult activation;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            activation = await TerminalActivation.ActivateAsync(http, relayUrl, code, serial, model, SimulatorVersion.Current, ct);
        }
        catch (RelayActivationException ex)
        {
            var hint = ex.Code switch
            {
                "activation-code-invalid" =>
                    " The code is unknown, used or expired: create a new one (POST /api/v1/terminals/{id}/activation-code).",
                "rate-limited" => ex.RetryAfter is { } wait ? $" Try again in {Math.Ceiling(wait.TotalSeconds)} s." : " Try again shortly.",
                _ => "",
            };
            return CommonOptions.Fail(ex.Message + hint);
        }
        catch (HttpRequestException ex)
        {
            return CommonOptions.Fail($"Could not reach the relay at {relayUrl}: {ex.Message}");
        }

        var saved = new TerminalState(relayUrl.ToString(), activation.TerminalId, activation.DeviceToken, activation.HubPath)
            .Save(stateDirectory);
        Console.WriteLine($"Activated terminal {activation.TerminalId}.");
        Console.WriteLine($"Credentials saved to {saved}.");
        Console.WriteLine();
        Console.WriteLine("Next, connect it:");
        Console.WriteLine($"  {CommonOptions.ProjectRun} run --state {stateDirectory}");
        return 0;
    }
}
