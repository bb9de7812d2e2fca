using System.IO.Compression;
using System.Text.Json;
using VaeAnomaly.Detectors;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Server.Streams;

/// <summary>
/// A stream that keeps learning (<c>serve --online on</c>), kept in its grain's state: the <see cref="OnlineState"/> as JSON
/// and, once refitted, the model in use as a zipped bundle, so another node or a restart continues it exactly.
/// </summary>
internal static class StreamLearning
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>
    /// The stream's detector as its state left it. A stream that has not learnt yet (or was served without learning, or
    /// learnt from another bundle of this name) starts learning where it stands: its last rows, its rest, an empty surprise history.
    /// </summary>
    /// <param name="served">The stream's model as served.</param>
    /// <param name="bundle">The served bundle's model (used under <see cref="ServedModel.UseAsync"/> only).</param>
    /// <param name="state">The stream's stored state.</param>
    public static OnlineDetector Restore(ServedModel served, IFittedDetector bundle, StreamGrainState state)
    {
        var options = served.Learning ?? throw new InvalidOperationException($"The model '{served.Name}' does not keep learning.");
        if (state.Learning.Length > 0 && state.Fingerprint == served.Fingerprint
            && JsonSerializer.Deserialize<OnlineState>(state.Learning, Json) is { } saved && saved.Stream.Rows == state.Rows)
        {
            var refitted = state.LearntModel.Length > 0;
            var model = refitted ? Unpack(state.LearntModel) : bundle;
            try
            {
                return OnlineDetector.Resume(served.Estimator, model, refitted, options, served.SurpriseHistory, saved);
            }
            catch
            {
                if (refitted)
                {
                    model.Dispose();
                }

                throw;
            }
        }

        var start = new OnlineState(state.Rows - state.Recent.Length, state.Recent, new bool[state.Recent.Length], -1, 0, 0, 0,
            new StreamState(state.Rows, state.Recent, [], 0, Math.Min(state.Rest, options.Rest)));
        return OnlineDetector.Resume(served.Estimator, bundle, false, options, served.SurpriseHistory, start);
    }

    /// <summary>
    /// Writes the detector's state into <paramref name="state"/>: its place (rows, last rows, rest), its online state, and its
    /// model when a refit made a new one.
    /// </summary>
    /// <param name="learning">The stream's detector.</param>
    /// <param name="state">The state to be stored; its answer fields are set by the caller.</param>
    /// <param name="fingerprint">The served bundle's fingerprint.</param>
    /// <param name="earlier">The stored state before this request (its saved model is kept when no refit came since).</param>
    public static void Save(OnlineDetector learning, StreamGrainState state, string fingerprint, StreamGrainState earlier)
    {
        var online = learning.State; // one copy of the rows kept
        (state.Rows, state.Recent, state.Rest) = (online.Stream.Rows, [.. online.Stream.Recent], online.Stream.Rest);
        state.Learning = JsonSerializer.Serialize(online, Json);
        state.Fingerprint = fingerprint;
        state.LearntRefits = learning.Refits;
        var same = earlier.Learning.Length > 0 && earlier.Fingerprint == fingerprint && earlier.LearntRefits == learning.Refits;
        state.LearntModel = !learning.Refitted ? [] : same && earlier.LearntModel.Length > 0 ? earlier.LearntModel : Pack(learning.Model);
    }

    /// <summary>A model as its bundle folder, zipped.</summary>
    private static byte[] Pack(IFittedDetector model)
    {
        var folder = Directory.CreateTempSubdirectory("vae-anomaly-stream-");
        try
        {
            model.Save(folder.FullName);
            using var zipped = new MemoryStream();
            ZipFile.CreateFromDirectory(folder.FullName, zipped, CompressionLevel.Fastest, includeBaseDirectory: false);
            return zipped.ToArray();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The model a <see cref="Pack"/> zipped, loaded.</summary>
    private static IFittedDetector Unpack(byte[] bundle)
    {
        var folder = Directory.CreateTempSubdirectory("vae-anomaly-stream-");
        try
        {
            using (var zipped = new MemoryStream(bundle, writable: false))
            {
                ZipFile.ExtractToDirectory(zipped, folder.FullName);
            }

            return DetectorRegistry.Load(folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
