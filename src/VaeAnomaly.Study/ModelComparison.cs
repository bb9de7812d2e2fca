using System.Diagnostics;
using System.Globalization;
using System.Text;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using static TorchSharp.torch;

namespace VaeAnomaly.Study;

/// <summary>Trains registry models on sequences (synthetic-v1's, or a folder of the user's) over several seeds and tabulates AUC-PR, recall@95%P, F1 and training time.</summary>
public static class ModelComparison
{
    /// <summary>Runs every (seed, model) pair, <paramref name="jobs"/> at a time.</summary>
    /// <param name="models">The models.</param>
    /// <param name="seeds">Seeds of data and models.</param>
    /// <param name="jobs">Runs in parallel (libtorch's threads are shared out among them).</param>
    /// <param name="data">Data settings; the seed is replaced by each run's.</param>
    /// <param name="progress">Receives each finished run.</param>
    /// <param name="ct">Stops between batches.</param>
    /// <returns>Runs in model order, then seed; then, per seed, what a random score gets on the same test split (<see cref="RandomBaseline.Name"/>: AUC-PR the anomaly share, recall@95%P 0, F1 that of flagging every sequence).</returns>
    public static IReadOnlyList<ComparisonRun> Run(IReadOnlyList<ModelVersion> models, IReadOnlyList<int> seeds, int jobs, SyntheticOptions data,
        IProgress<ComparisonRun>? progress = null, CancellationToken ct = default) =>
        Run(models, seeds, jobs, seeds.ToDictionary(s => s, s => new SyntheticGenerator(data with { Seed = s }).Generate()).ToDictionary(d => d.Key, d => (d.Value.Train.Set, d.Value.Validation.Set, d.Value.Test.Set)), progress, ct);

    /// <summary>Runs every (seed, model) pair on the same given sets, <paramref name="jobs"/> at a time: the seeds vary the models only.</summary>
    /// <param name="models">The models.</param>
    /// <param name="seeds">Seeds of the models.</param>
    /// <param name="jobs">Runs in parallel.</param>
    /// <param name="data">Normal training and validation sequences, and labelled test sequences.</param>
    /// <param name="progress">Receives each finished run.</param>
    /// <param name="ct">Stops between batches.</param>
    /// <returns>As the synthetic overload.</returns>
    public static IReadOnlyList<ComparisonRun> Run(IReadOnlyList<ModelVersion> models, IReadOnlyList<int> seeds, int jobs, (SequenceSet Train, SequenceSet Validation, SequenceSet Test) data,
        IProgress<ComparisonRun>? progress = null, CancellationToken ct = default) =>
        Run(models, seeds, jobs, seeds.ToDictionary(s => s, _ => data), progress, ct);

    private static IReadOnlyList<ComparisonRun> Run(IReadOnlyList<ModelVersion> models, IReadOnlyList<int> seeds, int jobs, Dictionary<int, (SequenceSet Train, SequenceSet Validation, SequenceSet Test)> datasets,
        IProgress<ComparisonRun>? progress, CancellationToken ct)
    {
        var pairs = models.SelectMany(m => seeds.Select(s => (Model: m, Seed: s))).ToArray();
        jobs = Math.Clamp(jobs, 1, Math.Max(1, pairs.Length));
        var previousThreads = get_num_threads();
        set_num_threads(Math.Max(1, Environment.ProcessorCount / jobs));
        try
        {
            var results = new ComparisonRun[pairs.Length];
            Parallel.For(0, pairs.Length, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = ct }, k =>
            {
                var (entry, seed) = pairs[k];
                var set = datasets[seed];
                var clock = Stopwatch.StartNew();
                using var detector = DetectorRegistry.Create(entry.Name, new DetectorSettings { Seed = seed }).Fit(set.Train, set.Validation, ct: ct);
                var seconds = clock.Elapsed.TotalSeconds;
                var scores = detector.Score(set.Test).Select(s => (double)s).ToArray();
                var labels = set.Test.Labels!.Select(l => l.IsAnomaly).ToArray();
                results[k] = new ComparisonRun(entry.Name, seed, RankingMetrics.AveragePrecision(labels, scores),
                    RankingMetrics.RecallAtPrecision(labels, scores, 0.95), ConfusionCounts.At(labels, scores, detector.Thresholds.ValueOrNaN()).F1, seconds);
                progress?.Report(results[k]);
            });
            var random = seeds.Select(seed =>
            {
                var b = RandomBaseline.For([.. datasets[seed].Test.Labels!.Select(l => l.IsAnomaly)]);
                return new ComparisonRun(RandomBaseline.Name, seed, b.AucPr, b.RecallAt95Precision, b.BestF1, 0);
            });
            return [.. results, .. random];
        }
        finally
        {
            set_num_threads(previousThreads);
        }
    }

    /// <summary>A Markdown table: one row per model, mean ± standard deviation over seeds, median training time; last, the random score's row when the runs hold it.</summary>
    /// <param name="models">The models, in row order.</param>
    /// <param name="runs">Their runs.</param>
    public static string Markdown(IReadOnlyList<ModelVersion> models, IReadOnlyList<ComparisonRun> runs)
    {
        static string F((double Mean, double Std) v) => string.Create(CultureInfo.InvariantCulture, $"{v.Mean:F3} ± {v.Std:F3}");
        var text = new StringBuilder()
            .AppendLine("| model | what it is | AUC-PR | recall@95%P | F1 at threshold | training s (median) |")
            .AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var model in models)
        {
            var mine = runs.Where(r => r.Model == model.Name).ToArray();
            if (mine.Length == 0)
            {
                continue;
            }

            var seconds = mine.Select(r => r.TrainSeconds).Order().ToArray();
            text.Append(CultureInfo.InvariantCulture, $"| {model.Name} | {model.Description} | ")
                .Append(F(StudyReport.MeanStd([.. mine.Select(r => r.AucPr)]))).Append(" | ")
                .Append(F(StudyReport.MeanStd([.. mine.Select(r => r.RecallAt95)]))).Append(" | ")
                .Append(F(StudyReport.MeanStd([.. mine.Select(r => r.F1)]))).Append(" | ")
                .Append(seconds[seconds.Length / 2].ToString("F1", CultureInfo.InvariantCulture)).AppendLine(" |");
        }

        var random = runs.Where(r => r.Model == RandomBaseline.Name).ToArray();
        if (random.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {RandomBaseline.Name} | what an uninformative score gets: AUC-PR the anomaly share, F1 that of flagging every sequence | ")
                .Append(F(StudyReport.MeanStd([.. random.Select(r => r.AucPr)]))).Append(" | ")
                .Append(F(StudyReport.MeanStd([.. random.Select(r => r.RecallAt95)]))).Append(" | ")
                .Append(F(StudyReport.MeanStd([.. random.Select(r => r.F1)]))).AppendLine(" | – |");
        }

        return text.ToString();
    }
}
