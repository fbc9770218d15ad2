using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

/// <summary>
/// What the terminal decided and the relay has not answered yet (transaction results, action completions): one JSON file
/// per id, written to a temp file, flushed to disk and renamed into place, so an entry is either wholly there or not at
/// all. A file leaves only when the relay answers. Only the folder's own files are entries: a subfolder is another outbox.
/// </summary>
internal sealed class Outbox<T>
    where T : class
{
    private const string Extension = ".json";
    private const string TempExtension = ".tmp";

    private readonly string _directory;
    private readonly Func<T, string> _idOf;
    private readonly ILogger _logger;

    public Outbox(string directory, Func<T, string> idOf, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        _idOf = idOf;
        _logger = logger;
        Directory.CreateDirectory(_directory);

        // A crash between writing and renaming leaves a temp file whose save never completed: nobody was told it was saved.
        foreach (var temp in Directory.EnumerateFiles(_directory, "*" + TempExtension))
        {
            File.Delete(temp);
        }
    }

    public string IdOf(T entry) => _idOf(entry);

    public async Task SaveAsync(T entry)
    {
        var path = PathFor(_idOf(entry));
        var temp = $"{path}.{Guid.NewGuid():N}{TempExtension}";
        try
        {
            // Not cancellable on purpose: a half-done save is worse than a slow one.
            await using (var stream = new FileStream(
                temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, entry, TerminalJson.Options);
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

    public bool Contains(string id) => File.Exists(PathFor(id));

    public void Delete(string id) => File.Delete(PathFor(id));

    public T? Load(string id) => Read(PathFor(id));

    /// <summary>Every saved entry, oldest first.</summary>
    public IReadOnlyList<T> LoadAll()
    {
        var entries = new List<T>();
        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles("*" + Extension).OrderBy(f => f.LastWriteTimeUtc))
        {
            if (file.Name.EndsWith(Extension, StringComparison.Ordinal) && Read(file.FullName) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private T? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), TerminalJson.Options);
        }
        catch (FileNotFoundException)
        {
            return null; // answered and deleted meanwhile
        }
        catch (JsonException ex)
        {
            // Cannot happen through SaveAsync; keep the file for a human rather than lose an outcome.
            _logger.LogError(ex, "Outbox file {Path} is unreadable; moved aside", path);
            File.Move(path, path + ".corrupt", overwrite: true);
            return null;
        }
    }

    private string PathFor(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Path.Combine(_directory, FileNameFor(id) + Extension);
    }

    // Ids are UUIDs, but the relay's ids are opaque: escape anything that is not safe in a file name.
    private static string FileNameFor(string id)
    {
        var name = new StringBuilder(id.Length);
        foreach (var b in Encoding.UTF8.GetBytes(id))
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
