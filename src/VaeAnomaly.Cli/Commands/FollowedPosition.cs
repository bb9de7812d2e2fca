using System.Text.Json;
using VaeAnomaly.Data;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// How far <c>score --follow --state DIR</c> read a followed file, saved in the state folder with the stream
/// (<c>followed.json</c>), so that the same command started again goes on after that line instead of learning the
/// file's rows a second time. The file is known again by its path and its first data row (a rotated or replaced log
/// begins with other rows, and is then read from its start).
/// </summary>
/// <param name="File">The followed file's full path.</param>
/// <param name="FirstRow">Its first data row (line 2), as read.</param>
/// <param name="Line">The last line read (the header is line 1).</param>
internal sealed record FollowedPosition(string File, string FirstRow, long Line)
{
    /// <summary>The file's name in the state folder.</summary>
    public const string FileName = "followed.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The position saved in <paramref name="stateFolder"/>, or null when there is none (a stream of standard input, or none saved).</summary>
    /// <param name="stateFolder">The state folder.</param>
    /// <exception cref="DataFormatException">The file is there but is not a saved position.</exception>
    public static FollowedPosition? Read(string stateFolder)
    {
        var path = Path.Combine(stateFolder, FileName);
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<FollowedPosition>(System.IO.File.ReadAllText(path), Json) is { File: not null, FirstRow: not null, Line: > 0 } position
                ? position
                : throw new JsonException("a position needs file, first_row and line");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, null, null, $"is not a saved position of a followed file ({e.Message}); move the state folder aside to start the stream anew");
        }
    }

    /// <summary>Writes this position into <paramref name="folder"/> (the state folder being saved).</summary>
    /// <param name="folder">The folder.</param>
    public void Write(string folder) => System.IO.File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));
}
