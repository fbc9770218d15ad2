using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

/// <summary>
/// Results the relay has not answered yet: one JSON file per transaction, written to a temp file, flushed to disk and
/// renamed into place, so a result is either wholly there or not at all. A file leaves only when the relay answers.
/// </summary>
internal sealed class ResultOutbox
{
    private const string Extension = ".json";
    private const string TempExtension = ".tmp";

    private readonly string _directory;
    private readonly ILogger _logger;

    public ResultOutbox(string directory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        _logger = logger;
        Directory.CreateDirectory(_directory);

        // A crash between writing and renaming leaves a temp file whose save never completed: nobody was told it was saved.
        foreach (var temp in Directory.EnumerateFiles(_directory, "*" + TempExtension))
        {
            File.Delete(temp);
        }
    }

    public async Task SaveAsync(TerminalResult result)
    {
        var path = PathFor(result.TransactionId);
        var temp = $"{path}.{Guid.NewGuid():N}{TempExtension}";
        try
        {
            // Not cancellable on purpose: a half-done save is worse than a slow one.
            await using (var stream = new FileStream(
                temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, result, TerminalJson.Options);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public bool Contains(string transactionId) => File.Exists(PathFor(transactionId));

    public void Delete(string transactionId) => File.Delete(PathFor(transactionId));

    public TerminalResult? Load(string transactionId) => Read(PathFor(transactionId));

    /// <summary>Every saved result, oldest first.</summary>
    public IReadOnlyList<TerminalResult> LoadAll()
    {
        var results = new List<TerminalResult>();
        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles("*" + Extension).OrderBy(f => f.LastWriteTimeUtc))
        {
            if (file.Name.EndsWith(Extension, StringComparison.Ordinal) && Read(file.FullName) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private TerminalResult? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TerminalResult>(File.ReadAllBytes(path), TerminalJson.Options);
        }
        catch (FileNotFoundException)
        {
            return null; // answered and deleted meanwhile
        }
        catch (JsonException ex)
        {
            // Cannot happen through SaveAsync; keep the file for a human rather than lose a result.
            _logger.LogError(ex, "Outbox file {Path} is unreadable; moved aside", path);
            File.Move(path, path + ".corrupt", overwrite: true);
            return null;
        }
    }

    private string PathFor(string transactionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        return Path.Combine(_directory, FileNameFor(transactionId) + Extension);
    }

    // Ids are UUIDs, but the relay's ids are opaque: escape anything that is not safe in a file name.
    private static string FileNameFor(string transactionId)
    {
        var name = new StringBuilder(transactionId.Length);
        foreach (var b in Encoding.UTF8.GetBytes(transactionId))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_')
            {
                name.Append((char)b);
            }
            else
            {
                name.Append('~').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return name.ToString();
    }
}
