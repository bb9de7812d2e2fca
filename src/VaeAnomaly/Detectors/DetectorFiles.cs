using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Persistence;
using VaeAnomaly.Reporting;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Detectors;

/// <summary>Saves and loads the baseline detectors' bundles (<see cref="BaselineManifest"/>), and what every bundle shares: its history.</summary>
internal static class DetectorFiles
{
    /// <summary>Loads a baseline's bundle (dense on fixed-length inputs or records, or a window model), checking it before any weights are read.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="threshold">The threshold rule to flag with; the bundle's default when null.</param>
    /// <exception cref="BundleException">The bundle is missing, corrupted or inconsistent.</exception>
    internal static IFittedDetector Load(string directory, string? threshold)
    {
        var manifest = DetectorBundle.ReadBaselineManifest(directory);
        try
        {
            manifest.Options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new BundleException(directory, $"model options are invalid: {e.Message}");
        }

        if (manifest.Scaler is { } s && (s.Mean.Length != manifest.Channels.Count || s.Std.Length != manifest.Channels.Count)
            || manifest.Encoder is { } e2 && e2.Columns.Count != manifest.Channels.Count)
        {
            throw new BundleException(directory, $"model.json is inconsistent: {manifest.Channels.Count} channels but a scaler or encoder of another width");
        }

        var sets = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["score"] = manifest.Thresholds };
        if (manifest.WindowThresholds is { } window)
        {
            sets[WindowAutoencoderDetector.WindowSet] = window;
        }

        if (manifest.StepThresholds is { } step)
        {
            sets[GruVaeDetector.StepSet] = step;
        }

        var thresholds = new ThresholdSet(sets, manifest.ThresholdNotes, threshold ?? manifest.DefaultThreshold, "score");
        return manifest.Input switch
        {
            BaselineInput.Fixed => DenseDetector.Restore(manifest, directory, thresholds),
            _ => WindowAutoencoderDetector.Restore(manifest, directory, thresholds),
        };
    }

    /// <summary>Writes a baseline's weights, <c>model.json</c> (its thresholds as fitted) and <c>history.csv</c>.</summary>
    internal static void Save(
        string directory, IFittedDetector detector, nn.Module network, (BaselineInput Input, string Family, int Length, int TrainStride, int ScoreStride) shape,
        DenseOptions options, Standardizer? scaler, TabularEncoder? encoder, IReadOnlyList<string>? targets = null)
    {
        DetectorBundle.EnsureEmptyFolder(directory);
        var weights = WeightsFile.Save(network, directory);
        var thresholds = detector.Thresholds;
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
                Channels = detector.Channels,
                Scaler = scaler,
                Encoder = encoder,
                Targets = targets,
                Thresholds = thresholds.Of("score"),
                ThresholdNotes = thresholds.NotesOrNull,
                WindowThresholds = thresholds.Has(WindowAutoencoderDetector.WindowSet) ? thresholds.Of(WindowAutoencoderDetector.WindowSet) : null,
                StepThresholds = thresholds.Has(GruVaeDetector.StepSet) ? thresholds.Of(GruVaeDetector.StepSet) : null,
                DefaultThreshold = thresholds.Rule,
                TrainingData = detector.TrainingData,
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
