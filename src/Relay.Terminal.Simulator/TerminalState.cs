using System.Text.Json;

namespace Relay.Terminal.Simulator;

/// <summary>The simulator's credentials, kept in <c>&lt;state&gt;/terminal.json</c> between <c>activate</c> and <c>run</c>.</summary>
internal sealed record TerminalState(string RelayUrl, string TerminalId, string DeviceToken, string? HubPath = null)
{
    private const string FileName = "terminal.json";

    public static string PathIn(string stateDirectory) => Path.GetFullPath(Path.Combine(stateDirectory, FileName));

    /// <summary>Null when the file does not exist; throws InvalidDataException when it is not usable.</summary>
    public static TerminalState? Load(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        TerminalState? state;
        try
        {
            state = JsonSerializer.Deserialize<TerminalState>(File.ReadAllText(path), TerminalJson.Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}", ex);
        }

        if (state is null || string.IsNullOrEmpty(state.RelayUrl) || string.IsNullOrEmpty(state.TerminalId)
            || string.IsNullOrEmpty(state.DeviceToken))
        {
            throw new InvalidDataException($"{path} lacks relayUrl, terminalId or deviceToken.");
        }

        return state;
    }

    public string Save(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = PathIn(stateDirectory);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, new JsonSerializerOptions(TerminalJson.Options) { WriteIndented = true }));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite); // the device token is a credential
        }

        File.Move(temp, path, overwrite: true);
        return path;
    }
}
