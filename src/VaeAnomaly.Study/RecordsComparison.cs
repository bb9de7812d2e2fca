using System.Diagnostics;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>
/// Models of records side by side: each trained on the same encoded normal records (its thresholds fitted on the
/// validation ones) and measured on the same labelled test records: KDD Cup 99's split, or a user's files
/// (<c>compare records</c>).
/// </summary>
public static class RecordsComparison
{
    /// <summary>Trains and measures each model in turn.</summary>
    /// <param name="models">Registry names of models that take records.</param>
    /// <param name="data">The encoded training, validation (both normal) and test records.</param>
    /// <param name="labels">Per test record, whether it is anomalous.</param>
    /// <param name="encoder">How the records were encoded; each model keeps it.</param>
    /// <param name="seed">Seed of every model.</param>
    /// <param name="epochs">Largest number of epochs of the models that train (early stopping on the validation loss).</param>
    /// <param name="log">Receives a line per model.</param>
    /// <param name="ct">Stops training between batches.</param>
    /// <exception cref="ArgumentException">A model that does not take records, or records a model cannot be fitted on.</exception>
    public static IReadOnlyList<RecordsModelResult> Run(IReadOnlyList<string> models, (SequenceSet Train, SequenceSet Validation, SequenceSet Test) data, bool[] labels, TabularEncoder encoder,
        int seed, int epochs, IProgress<string>? log = null, CancellationToken ct = default)
    {
        var results = new List<RecordsModelResult>();
        foreach (var name in models)
        {
            var clock = Stopwatch.StartNew();
            var settings = DetectorRegistry.Find(name).Taking(new DetectorSettings { Records = encoder, Seed = seed, Epochs = epochs }); // the simple models take no epochs
            using var detector = DetectorRegistry.Create(name, settings).Fit(data.Train, data.Validation, ct: ct);
            var seconds = clock.Elapsed.TotalSeconds;
            var scores = detector.Score(data.Test).Select(s => (double)s).ToArray();
            var threshold = detector.Thresholds.ValueOrNaN();
            var confusion = ConfusionCounts.At(labels, scores, threshold);
            results.Add(new RecordsModelResult(
                name, RankingMetrics.RocAuc(labels, scores), RankingMetrics.AveragePrecision(labels, scores), confusion.F1, threshold,
                confusion, detector.History.Count, seconds, scores));
            log?.Report($"{name}: {detector.History.Count} epochs in {seconds:F1} s.");
        }

        return results;
    }
}
