using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Reporting;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Detectors;

/// <summary>Loads any bundle by the model it holds, and saves and loads the baseline detectors' bundles (<see cref="BaselineManifest"/>).</summary>
public static class DetectorFiles
{
    /// <summary>Loads the detector a bundle holds, whichever model it is.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="threshold">Threshold rule of <see cref="DetectorBase.Predict"/>; the bundle's default when null.</param>
    /// <exception cref="BundleException">The bundle is missing, corrupted or inconsistent.</exception>
    public static DetectorBase Load(string directory, string? threshold = null)
    {
        if (DetectorBundle.ModelOf(directory) == GruVaeDetector.ModelName)
        {
            return GruVaeDetector.Load(directory, threshold);
        }

        var manifest = DetectorBundle.ReadBaselineManifest(directory);
        try
        {
            manifest.Options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new BundleException(directory, $"model options are invalid: {e.Message}");
        }

        var rule = ThresholdRules.Create(threshold ?? manifest.DefaultThreshold);

        if (manifest.Scaler is { } s && (s.Mean.Length != manifest.Channels.Count || s.Std.Length != manifest.Channels.Count)
            || manifest.Encoder is { } e2 && e2.Columns.Count != manifest.Channels.Count)
        {
            throw new BundleException(directory, $"model.json is inconsistent: {manifest.Channels.Count} channels but a scaler or encoder of another width");
        }

        DetectorBase detector = manifest.Input switch
        {
            BaselineInput.Fixed => DenseDetector.Restore(manifest, directory, rule),
            _ => WindowAutoencoderDetector.Restore(manifest, directory, rule),
        };
        detector.RestoreThresholds(manifest.Thresholds, manifest.ThresholdNotes);
        return detector;
    }

    /// <summary>Writes a baseline's weights, <c>model.json</c> (thresholds of every rule fitted on its validation scores) and <c>history.csv</c>.</summary>
    internal static void Save(
        string directory, DetectorBase detector, nn.Module network, (BaselineInput Input, string Family, int Length, int TrainStride, int ScoreStride) shape,
        DenseOptions options, IReadOnlyList<string> channels, Standardizer? scaler, TabularEncoder? encoder, TrainingDataInfo? trainingData,
        (IReadOnlyDictionary<string, double>? Window, IReadOnlyDictionary<string, double>? Step) pointThresholds = default)
    {
        var weights = WeightsFile.Save(network, directory);
        DetectorBundle.WriteManifest(
            new BaselineManifest
            {
                FormatVersion = BundleManifest.CurrentFormatVersion,
                ToolVersion = DetectorBundle.ToolVersion,
                Model = detector.Name,
                Input = shape.Input,
                Family = shape.Family,
                Options = options,
                Length = shape.Length,
                TrainStride = shape.TrainStride,
                ScoreStride = shape.ScoreStride,
                Channels = channels,
                Scaler = scaler,
                Encoder = encoder,
                Thresholds = detector.SequenceThresholds,
                ThresholdNotes = detector.NotesForManifest,
                WindowThresholds = pointThresholds.Window,
                StepThresholds = pointThresholds.Step,
                DefaultThreshold = detector.Rule.Name,
                TrainingData = trainingData ?? throw new InvalidOperationException("Fit the detector first."),
                Weights = weights,
            },
            directory);
        HistoryCsv.Write(detector.History, Path.Combine(directory, DetectorBundle.HistoryFile));
    }

    /// <summary>The history saved beside a bundle, or none.</summary>
    internal static IReadOnlyList<EpochReport> History(string directory)
    {
        var path = Path.Combine(directory, DetectorBundle.HistoryFile);
        try
        {
            return File.Exists(path) ? HistoryCsv.Read(path) : [];
        }
        catch (Exception e) when (e is DataFormatException or IOException)
        {
            throw new BundleException(directory, e.Message);
        }
    }

    /// <summary>The training data's counts and fingerprint.</summary>
    internal static TrainingDataInfo Describe(SequenceSet train, SequenceSet validation) =>
        new(train.Count, train.TotalSteps, validation.Count, validation.TotalSteps, DataFingerprint.Of(train, validation));
}
