using System.Diagnostics;
using System.Globalization;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;
using static TorchSharp.torch;

namespace VaeAnomaly.Study;

/// <summary>Trains the GRU-VAE over seeds and betas on synthetic-v1 and measures every score on the test split.</summary>
public static class SyntheticStudy
{
    /// <summary>Score names in report order for <paramref name="lambdas"/>.</summary>
    /// <param name="lambdas">Combined-score weights.</param>
    public static IReadOnlyList<string> ScoreNames(IReadOnlyList<double> lambdas) =>
        ["reconstruction", "kl", .. lambdas.Select(CombinedName), "mahalanobis", "elbo", "nll-is"];

    /// <summary>The name of the combined score with weight <paramref name="lambda"/>.</summary>
    /// <param name="lambda">KL weight.</param>
    public static string CombinedName(double lambda) => string.Create(CultureInfo.InvariantCulture, $"combined@{lambda}");

    /// <summary>Runs every (seed, beta) pair, <see cref="StudyOptions.Jobs"/> at a time.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="progress">Receives each finished run.</param>
    /// <param name="ct">Stops between runs and batches.</param>
    /// <returns>Runs ordered by beta, then seed.</returns>
    public static IReadOnlyList<StudyRun> Run(StudyOptions options, IProgress<StudyRun>? progress = null, CancellationToken ct = default)
    {
        var pairs = options.Betas.SelectMany(beta => options.Seeds.Select(seed => (seed, beta))).ToArray();
        var jobs = Math.Clamp(options.Jobs, 1, Math.Max(1, pairs.Length));
        var previousThreads = get_num_threads();
        set_num_threads(Math.Max(1, Environment.ProcessorCount / jobs));
        try
        {
            var results = new StudyRun[pairs.Length];
            Parallel.For(0, pairs.Length, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = ct }, k =>
            {
                results[k] = RunOne(options, pairs[k].seed, pairs[k].beta, ct);
                progress?.Report(results[k]);
            });
            return results;
        }
        finally
        {
            set_num_threads(previousThreads);
        }
    }

    private static StudyRun RunOne(StudyOptions options, int seed, double beta, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (train, validation, test) = options.DataDirectory is { } dir
            ? (SequenceFolder.Read(dir, "train"), SequenceFolder.Read(dir, "val"), SequenceFolder.Read(dir, "test"))
            : Generate(options.Data with { Seed = seed });
        if (test.Labels is null)
        {
            throw new ArgumentException("The study needs test labels (test_labels.csv).");
        }

        var c = options.Configuration;
        // The study is of the GRU-VAE's own knobs (beta, lambda, architecture), so it builds that estimator from a whole configuration.
        using var detector = new GruVaeEstimator(c.Model with { Beta = beta, Seed = seed }, c.Training with { Seed = seed }, c.Scoring).Fit(train, validation, ct: ct);
        var scores = detector.ScoreAll(test);
        var validationParts = detector.ScoreAll(validation).Parts;

        var labels = test.Labels.Select(l => l.IsAnomaly).ToArray();
        var types = test.Labels.Select(l => l.AnomalyType).ToArray();
        var metrics = new Dictionary<string, ScoreMetrics>
        {
            ["reconstruction"] = ScoreMetrics.Compute(labels, scores.Parts.Reconstruction.Select(v => (double)v).ToArray(), types),
            ["kl"] = ScoreMetrics.Compute(labels, scores.Parts.Kl.Select(v => (double)v).ToArray(), types),
        };
        foreach (var kind in new[] { ScoreKind.Mahalanobis, ScoreKind.Elbo, ScoreKind.NllIs })
        {
            metrics[kind.Name()] = ScoreMetrics.Compute(labels, scores.Parts.Of(kind).Select(v => (double)v).ToArray(), types);
        }

        foreach (var lambda in options.Lambdas)
        {
            var combiner = ScoreCombiner.Fit(validationParts, lambda, c.Scoring.Combine);
            metrics[CombinedName(lambda)] = ScoreMetrics.Compute(labels, combiner.Combine(scores.Parts).Select(v => (double)v).ToArray(), types);
        }

        var separation = LatentSeparation.Compute(scores.Parts.LatentMeans, labels, scores.Parts.Mahalanobis);
        return new StudyRun(seed, beta, metrics, detector.History.Count, clock.Elapsed.TotalSeconds, detector.ValidationLatentUsage!.ActiveUnits,
            validationParts.Reconstruction.Average(v => (double)v), separation)
        {
            KlPerDimension = detector.ValidationLatentUsage.KlPerDimension,
            TestLatentMeans = scores.Parts.LatentMeans,
            TestTypes = types,
        };
    }

    private static (SequenceSet, SequenceSet, SequenceSet) Generate(SyntheticOptions options)
    {
        var data = new SyntheticGenerator(options).Generate();
        return (data.Train.Set, data.Validation.Set, data.Test.Set);
    }
}
