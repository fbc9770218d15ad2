using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal.Simulator.Commands;

/// <summary>
/// <c>run</c>: connect with the saved credentials, show a pairing code, and process transactions and the POS's actions
/// until stopped.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var state = CommonOptions.State();
        var delay = new Option<int>("--delay-ms")
        {
            Description = "How long the simulated customer takes to present the card, again to enter the PIN, and to answer each question",
            DefaultValueFactory = _ => 1500,
        };
        delay.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--delay-ms must be zero or more.");
            }
        });

        var signatureTimeout = new Option<int>("--signature-timeout")
        {
            Description = "Seconds the signature question (amounts ending in 54) waits for the POS's answer (5–300)",
            DefaultValueFactory = _ => 60,
        };
        signatureTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 5 or > 300)
            {
                result.AddError("--signature-timeout must be between 5 and 300 seconds.");
            }
        });

        var inputs = new Option<string?>("--inputs")
        {
            HelpName = "FILE",
            Description = "A JSON file answering collect_inputs questions: { \"<input id or kind>\": \"<answer>\" or null to skip }",
        };

        var command = new Command("run", "Connect to the relay and behave like a card terminal until Ctrl+C")
        {
            state, delay, signatureTimeout, inputs
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetRequiredValue(state), parse.GetValue(delay), parse.GetValue(signatureTimeout), parse.GetValue(inputs), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        string stateDirectory, int delayMs, int signatureTimeoutSeconds, string? inputsFile, CancellationToken ct)
    {
        IReadOnlyDictionary<string, string?>? inputAnswers = null;
        if (inputsFile is not null)
        {
            try
            {
                inputAnswers = SimulatedInputs.Load(inputsFile);
            }
            catch (InvalidDataException ex)
            {
                return CommonOptions.Fail($"--inputs: {ex.Message}");
            }
        }

        TerminalState? state;
        try
        {
            state = TerminalState.Load(stateDirectory);
        }
        catch (InvalidDataException ex)
        {
            return CommonOptions.Fail($"{ex.Message} Activate again to replace it.");
        }

        if (state is null)
        {
            return CommonOptions.Fail(
                $"No terminal credentials at {TerminalState.PathIn(stateDirectory)}. Activate first:\n" +
                $"  {CommonOptions.ProjectRun} activate --relay http://127.0.0.1:5080 --code <ACTIVATION_CODE> --state {stateDirectory}",
                exitCode: 2);
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            // The simulator prints connection changes itself; HubConnection's errors would repeat them with stack traces.
            .AddFilter("Microsoft.AspNetCore.SignalR", LogLevel.Critical)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "[HH:mm:ss.fff] ";
            }));
        var options = new RelayTerminalOptions
        {
            RelayUrl = new Uri(state.RelayUrl),
            DeviceToken = state.DeviceToken,
            HubPath = state.HubPath ?? TerminalActivation.DefaultHubPath,
            OutboxDirectory = Path.Combine(stateDirectory, "outbox"),
            LoggerFactory = loggerFactory,
        };
        var delay = TimeSpan.FromMilliseconds(delayMs);

        await using var client = new RelayTerminalClient(options);
        await using var terminal = new SimulatedTerminal(client, new SimulatorOptions
        {
            CardDelay = delay, PinDelay = delay, SignatureTimeout = TimeSpan.FromSeconds(signatureTimeoutSeconds),
            InputAnswers = inputAnswers, BatchFile = Path.Combine(stateDirectory, "batch.json"),
        }, Console.Out);
        var pairing = new PairingPrompt(client, Console.Out);

        Console.WriteLine($"Terminal {state.TerminalId}: connecting to {state.RelayUrl} (Ctrl+C to stop)");
        try
        {
            await client.StartAsync(ct);
            Console.WriteLine(ConsoleCommands.Hint);
            // On a task of its own: the console's ReadLineAsync blocks its thread until a line comes.
            var commands = Task.Run(() => ConsoleCommands.RunAsync(Console.In, Console.Out, terminal, ct), ct);
            await pairing.RunAsync(ct);
            await commands;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        Console.WriteLine("Stopping.");
        return 0;
    }
}
