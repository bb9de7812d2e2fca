using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.Storage;

namespace VaeAnomaly.Server.Streams;

/// <summary>
/// Grain storage in a folder, one JSON file per grain, for <c>serve --state DIR</c> on one machine. A write goes to a
/// temporary file that is flushed to disk and then renamed over the old one, so a crash leaves either the old state or
/// the new one, never half of one. Each file carries an ETag (a write counter) that a write must match, as Orleans
/// storage providers do, so two activations cannot overwrite each other unnoticed.
/// </summary>
/// <param name="directory">The folder; made when missing.</param>
public sealed class FolderGrainStorage(string directory) : IGrainStorage
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        // A file damaged outside the service (a disk fault, a hand edit; a crash cannot leave half a write) is named in the
        // log with what to do, where the parser's own message named neither the file nor a way out.
        const string WayOut = "move the file aside to start the stream anew, or restore it from a backup";
        try
        {
            var stored = JsonNode.Parse(await File.ReadAllTextAsync(path)) as JsonObject
                ?? throw new InconsistentStateException($"{path} does not hold a stored grain state (a JSON object); {WayOut}");
            grainState.State = stored["state"].Deserialize<T>(Json) ?? throw new InconsistentStateException($"{path} holds no state; {WayOut}");
            grainState.ETag = stored["etag"]?.GetValue<string>();
            grainState.RecordExists = true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InconsistentStateException($"{path} cannot be read as a stream's saved state ({e.Message}); {WayOut}");
        }
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var current = await StoredETag(path);
        if (current != grainState.ETag)
        {
            throw new InconsistentStateException($"The stored state of {grainId} changed under this activation (stored ETag {current ?? "none"}, expected {grainState.ETag ?? "none"})", current ?? "", grainState.ETag ?? "");
        }

        var etag = (long.TryParse(current, out var n) ? n + 1 : 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = new JsonObject { ["etag"] = etag, ["state"] = JsonSerializer.SerializeToNode(grainState.State, Json) }.ToJsonString();
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(Encoding.UTF8.GetBytes(text));
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // gone already after the rename; left only by a failed write
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (await StoredETag(path) is { } current && current != grainState.ETag)
        {
            // As a write: another activation's newer state is not deleted unseen.
            throw new InconsistentStateException($"The stored state of {grainId} changed under this activation (stored ETag {current}, expected {grainState.ETag ?? "none"})", current, grainState.ETag ?? "");
        }

        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static async Task<string?> StoredETag(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return (JsonNode.Parse(await File.ReadAllTextAsync(path)) as JsonObject)?["etag"]?.GetValue<string>();
    }

    /// <summary>A file name from the grain's id: readable when short, a hash when the id would make too long a name.</summary>
    private string PathOf(string stateName, GrainId grainId)
    {
        var id = Uri.EscapeDataString(grainId.ToString());
        if (id.Length > 150)
        {
            id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(grainId.ToString())));
        }

        return Path.Combine(directory, $"{stateName}-{id}.json");
    }
}
