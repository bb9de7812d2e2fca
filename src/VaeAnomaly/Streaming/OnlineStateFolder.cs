using System.Text.Json;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;

namespace VaeAnomaly.Streaming;

/// <summary>
/// A stream saved in a folder, so that a stopped or restarted stream continues exactly. One that keeps learning (an
/// <see cref="OnlineDetector"/>): <c>online.json</c> (the state, and the fingerprint of the bundle the stream started
/// from) and, once the detector has refitted, <c>model/</c> (the model in use, as a bundle). One scored by the bundle as it
/// is (a <see cref="StreamingScorer"/>): <c>stream.json</c> (its last rows, recent scores and rest, and the bundle's
/// fingerprint). The folder is replaced as a whole, never half-written.
/// </summary>
public static class OnlineStateFolder
{
    /// <summary>The state file's name.</summary>
    public const string StateFile = "online.json";

    /// <summary>The state file of a stream scored by the bundle as it is.</summary>
    public const string FrozenFile = "stream.json";

    /// <summary>The refitted model's sub-folder.</summary>
    public const string ModelFolder = "model";

    /// <summary>Largest state file read: the rows of four training lengths of a wide series.</summary>
    public const long MaxBytes = 256L << 20;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Whether <paramref name="directory"/> holds a saved stream that keeps learning.</summary>
    /// <param name="directory">The state folder.</param>
    public static bool Holds(string directory) => File.Exists(Path.Combine(directory, StateFile));

    /// <summary>Whether <paramref name="directory"/> holds a saved stream scored by the bundle as it is.</summary>
    /// <param name="directory">The state folder.</param>
    public static bool HoldsFrozen(string directory) => File.Exists(Path.Combine(directory, FrozenFile));

    /// <summary>Saves a stream scored by the bundle as it is into <paramref name="directory"/>, replacing an earlier save of this tool.</summary>
    /// <param name="directory">The state folder.</param>
    /// <param name="scorer">The stream.</param>
    /// <param name="bundle">The bundle the stream scores with (never written to).</param>
    /// <param name="fingerprint">That bundle's training-data fingerprint: a later resume with another bundle is refused.</param>
    /// <param name="besides">Writes the caller's own files into the folder being saved (its path given), saved whole with the stream; null for none.</param>
    public static void SaveFrozen(string directory, StreamingScorer scorer, string bundle, string fingerprint, Action<string>? besides = null)
    {
        using var staged = StagedDirectory.Begin(directory, replace: true, bundle);
        File.WriteAllText(staged.PathOf(FrozenFile), JsonSerializer.Serialize(new SavedFrozen(fingerprint, scorer.State), Json));
        besides?.Invoke(staged.Staging);
        staged.Commit();
    }

    /// <summary>Continues the stream saved in <paramref name="directory"/> by <see cref="SaveFrozen"/>.</summary>
    /// <param name="directory">The state folder.</param>
    /// <param name="fingerprint">The bundle's training-data fingerprint.</param>
    /// <param name="resume">Makes the scorer from the saved state, flagging as when the stream started (<see cref="StreamingScorer.Resume"/>).</param>
    /// <exception cref="DataFormatException">The state file is not a saved stream, belongs to another bundle, or does not fit the model.</exception>
    public static StreamingScorer LoadFrozen(string directory, string fingerprint, Func<StreamState, StreamingScorer> resume)
    {
        var path = Path.Combine(directory, FrozenFile);
        var saved = Read<SavedFrozen>(path);
        if (saved.Fingerprint != fingerprint || saved.State is null)
        {
            throw new DataFormatException(path, null, null, "was saved by a stream of another bundle; give that bundle, or another --state folder");
        }

        try
        {
            return resume(saved.State);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, null, null, Messages.Of(e));
        }
    }

    private static T Read<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(BoundedFile.ReadAllText(path, MaxBytes), Json) ?? throw new JsonException("it holds null");
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            throw new DataFormatException(path, null, null, $"is not a saved stream of vae-anomaly: {e.Message}");
        }
    }

    /// <summary>Saves the stream into <paramref name="directory"/>, replacing an earlier save of this tool.</summary>
    /// <param name="directory">The state folder.</param>
    /// <param name="detector">The stream.</param>
    /// <param name="bundle">The bundle the stream started from (never written to).</param>
    /// <param name="fingerprint">That bundle's training-data fingerprint: a later resume with another bundle is refused.</param>
    /// <param name="besides">Writes the caller's own files into the folder being saved (its path given), saved whole with the stream; null for none.</param>
    public static void Save(string directory, OnlineDetector detector, string bundle, string fingerprint, Action<string>? besides = null)
    {
        using var staged = StagedDirectory.Begin(directory, replace: true, bundle);
        File.WriteAllText(staged.PathOf(StateFile), JsonSerializer.Serialize(new Saved(fingerprint, detector.State), Json));
        if (detector.Refitted)
        {
            var model = staged.PathOf(ModelFolder);
            Directory.CreateDirectory(model);
            detector.Model.Save(model);
        }

        besides?.Invoke(staged.Staging);
        staged.Commit();
    }

    /// <summary>Continues the stream saved in <paramref name="directory"/>.</summary>
    /// <param name="directory">The state folder.</param>
    /// <param name="estimator">Fits the model again, as when the stream started.</param>
    /// <param name="bundleModel">The bundle's model (the model in use when no refit was saved).</param>
    /// <param name="options">As when the stream started.</param>
    /// <param name="surpriseHistory">As when the stream started.</param>
    /// <exception cref="DataFormatException">The state file is not a saved stream, belongs to another bundle, or does not fit the model.</exception>
    public static OnlineDetector Load(string directory, IDetectorEstimator? estimator, IFittedDetector bundleModel, OnlineOptions options, int surpriseHistory)
    {
        var path = Path.Combine(directory, StateFile);
        var saved = Read<Saved>(path);

        if (saved.Fingerprint != bundleModel.TrainingData.Fingerprint || saved.State is null)
        {
            throw new DataFormatException(path, null, null, "was saved by a stream of another bundle; give that bundle, or another --state folder");
        }

        var refitted = Directory.Exists(Path.Combine(directory, ModelFolder));
        var model = refitted ? DetectorRegistry.Load(Path.Combine(directory, ModelFolder)) : bundleModel;
        try
        {
            return OnlineDetector.Resume(estimator, model, refitted, options, surpriseHistory, saved.State);
        }
        catch (ArgumentException e)
        {
            if (refitted)
            {
                model.Dispose();
            }

            throw new DataFormatException(path, null, null, Messages.Of(e));
        }
    }

    private sealed record Saved(string Fingerprint, OnlineState State);

    private sealed record SavedFrozen(string Fingerprint, StreamState State);
}
