using System.Diagnostics;
using System.Text.RegularExpressions;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Study;

/// <summary>
/// A folder of labelled train/test series pairs (<c>NAME.train.csv[.gz]</c> normal, <c>NAME.test.csv[.gz]</c> with a 0/1
/// label column; <c>.parquet</c> files too): per pair and model, train on the train file (its last 20% validates: early stopping and the
/// label-free thresholds), score every test row causally (each row by the latest window that ends at it, never a later
/// row), and measure the scores and the bundle's own threshold against the labels. A test file without anomalies measures
/// only false alarms: the share of its rows flagged and its false events.
/// </summary>
public static partial class SeriesBenchmark
{
    /// <summary>Share of each train file, at its end, that validates.</summary>
    public const double ValidationShare = 0.2;

    // The adaptive rule beside the fitted thresholds (SurpriseFlags): a row is flagged when its score's surprise next to
    // the scores of the previous rows of the test series, as many as the train file has, is above 0.5, a tail of 1e-5,
    // as the NAB and SKAB protocols flag. Fixed before any run, not tuned.

    /// <summary>
    /// Scores averaged by the <c>smoothed</c> rule: each row's mean with the 9 scored rows before it, the value fixed for
    /// NAB's and SKAB's <c>--smooth 10</c> (docs/benchmark-log.md), not tuned here.
    /// </summary>
    public static readonly ScoreAverage Smoothing = new(10);

    /// <summary>
    /// The rules reported, in order: every fitted rule; <c>surprise</c>; <c>dynamic</c> (telemanom's); <c>smoothed</c>, the
    /// default quantile fitted on the validation part's causal point scores averaged by <see cref="Smoothing"/>, flagging the
    /// test rows' scores averaged the same way.
    /// </summary>
    public static IReadOnlyList<string> Rules { get; } = [.. Thresholds.ThresholdRules.Names, "surprise", "dynamic", "smoothed"];

    /// <summary>The rules a run with <paramref name="options"/> reports: <see cref="Rules"/>, then <c>crossfit</c> when asked for.</summary>
    public static IReadOnlyList<string> RulesOf(SeriesBenchmarkOptions options) => options.CrossFit > 0 ? [.. Rules, "crossfit"] : Rules;

    /// <summary>The pairs of a folder, by name, in ordinal order.</summary>
    /// <param name="root">The folder.</param>
    /// <exception cref="DataFormatException">No pair, or a train file without its test file (or the reverse).</exception>
    public static IReadOnlyList<(string Name, string Train, string Test)> Pairs(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DataFormatException(root, null, null, "is not a folder; expected NAME.train.csv[.gz] and NAME.test.csv[.gz] (or .parquet) pairs");
        }

        var files = Directory.GetFiles(root).Select(Path.GetFileName).OfType<string>().ToArray();
        var parts = files.Select(f => PairFile().Match(f)).Where(m => m.Success).ToArray();
        var names = parts.Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            throw new DataFormatException(root, null, null, "holds no NAME.train.csv[.gz] and NAME.test.csv[.gz] (or .parquet) pair");
        }

        return [.. names.Select(name =>
        {
            string Find(string part) => parts.Where(m => m.Groups["name"].Value == name && m.Groups["part"].Value == part).Select(m => m.Value).Order(StringComparer.Ordinal).ToArray() switch
            {
                [var file] => Path.Combine(root, file),
                [] => throw new DataFormatException(Path.Combine(root, $"{name}.{part}.csv"), null, null, $"is missing: {name} has a {(part == "test" ? "train" : "test")} file but no {part} file"),
                var several => throw new DataFormatException(Path.Combine(root, several[0]), null, null, $"is one of {several.Length} {part} files of {name} ({string.Join(", ", several)}); keep one"),
            };
            return (name, Find("train"), Find("test"));
        })];
    }

    /// <summary>Reads every pair before any training, so a bad file stops the run before any work.</summary>
    /// <param name="root">The folder.</param>
    /// <param name="options">Label and time columns.</param>
    /// <param name="ct">Ctrl+C: stops a long read.</param>
    public static IReadOnlyList<SeriesPair> Read(string root, SeriesBenchmarkOptions options, CancellationToken ct = default) =>
        [.. Pairs(root).Select(p => ReadPair(p.Name, p.Train, p.Test, options, "check the label column, or move the pair out of the folder", ct))];

    /// <summary>Reads one pair: a normal train file and a labelled test file with the same value columns (in any order).</summary>
    /// <param name="name">The pair's name in the results.</param>
    /// <param name="trainPath">The normal series.</param>
    /// <param name="testPath">The labelled series.</param>
    /// <param name="options">Label, time and value columns, watched columns, gaps.</param>
    /// <param name="remedy">What to do when the test file labels every row anomalous, for the message.</param>
    /// <param name="ct">Ctrl+C: stops a long read.</param>
    /// <exception cref="DataFormatException">A file that cannot be read, columns that differ, a watched column that is not one, or a test file without a normal row.</exception>
    public static SeriesPair ReadPair(string name, string trainPath, string testPath, SeriesBenchmarkOptions options, string remedy, CancellationToken ct = default)
    {
        var train = SeriesCsvReader.Read(trainPath, timeColumn: options.TimeColumn, columns: options.Columns, missing: options.Missing, ct: ct);
        var test = SeriesCsvReader.Read(testPath, timeColumn: options.TimeColumn, columns: options.Columns, labelColumn: options.LabelColumn, missing: options.Missing, ct: ct);
        if (!test.ChannelNames.SequenceEqual(train.ChannelNames) && test.ChannelNames.Order(StringComparer.Ordinal).SequenceEqual(train.ChannelNames.Order(StringComparer.Ordinal)))
        {
            // The same columns in another order: read by name in the train file's order, as score reads a file.
            test = SeriesCsvReader.Read(testPath, timeColumn: options.TimeColumn, columns: train.ChannelNames, labelColumn: options.LabelColumn, missing: options.Missing, ct: ct);
        }

        if (!test.ChannelNames.SequenceEqual(train.ChannelNames))
        {
            throw new DataFormatException(testPath, 1, null, $"has the columns [{IO.Messages.List(test.ChannelNames)}]; its train file {Path.GetFileName(trainPath)} has [{IO.Messages.List(train.ChannelNames)}]");
        }

        if (options.TargetColumns?.FirstOrDefault(t => !train.ChannelNames.Contains(t)) is { } unknown)
        {
            throw new DataFormatException(trainPath, 1, unknown, $"has no column '{IO.Messages.Cut(unknown)}' named by --target-columns; its columns are [{IO.Messages.List(train.ChannelNames)}]");
        }

        // Checked here, not when the metrics are computed: one such file would stop the run after hours of training. A test
        // file without anomalies is kept: it measures false alarms, and is left out of the means that need an anomaly.
        LabelledRows.RequireNormal(test.Labels!, testPath, options.LabelColumn, remedy);

        return new SeriesPair(name, trainPath, testPath, train, test);
    }

    /// <summary>Trains <paramref name="model"/> on one pair and measures it.</summary>
    /// <param name="pair">The pair.</param>
    /// <param name="model">A registry name, optionally with a version.</param>
    /// <param name="options">Seed, epochs, watched columns.</param>
    /// <param name="ct">Stops training between batches, and scoring between chunks of windows.</param>
    public static SeriesFileResult Run(SeriesPair pair, string model, SeriesBenchmarkOptions options, CancellationToken ct = default)
    {
        var entry = DetectorRegistry.Find(model.Split(' ')[0]);
        var validationRows = Math.Max(1, (int)Math.Round(pair.Train.Length * ValidationShare));
        var fitRows = pair.Train.Slice(0, pair.Train.Length - validationRows);
        var window = options.Window == 0 && entry.Settings.Contains("window")
            ? entry.WindowOf(fitRows, [.. Enumerable.Range(0, fitRows.ChannelNames.Count).Where(c => options.TargetColumns?.Contains(fitRows.ChannelNames[c]) ?? true)])
            : options.Window;
        var settings = entry.Taking(new DetectorSettings { Seed = options.Seed, Epochs = options.Epochs, TargetColumns = options.TargetColumns, Window = window });
        var fit = fitRows.AsSequenceSet("train");
        var validation = pair.Train.Slice(pair.Train.Length - validationRows, validationRows).AsSequenceSet("validation");
        var clock = Stopwatch.StartNew();
        using var detector = FileRefusal.Naming(pair.TrainPath, model, () => DetectorRegistry.Create(model, settings).Fit(fit, validation, ct: ct));
        var seconds = clock.Elapsed.TotalSeconds;
        var scorer = detector as IScoresPoints ?? throw new ArgumentException($"{model} does not score the points of a series.");
        if (options.Online)
        {
            return FileRefusal.Naming(pair.TestPath, model, () => RunOnline(pair, model, settings.TargetColumns, detector, scorer, clock, ct)) with { Window = settings.Window, Period = (detector as IComparesPeriods)?.Period };
        }

        var test = pair.Test.AsSequenceSet();
        var points = FileRefusal.Naming(pair.TestPath, model, () => scorer.ScorePoints(test, new PointScoreRequest(PointScoreMode.Last), ct: ct));

        // Every rule's threshold of these point scores (the scores are the same whatever the rule; only the threshold differs).
        var labels = pair.Test.Labels!;
        var rules = new Dictionary<string, RuleOutcome>(StringComparer.Ordinal);
        foreach (var rule in Thresholds.ThresholdRules.Names)
        {
            try
            {
                var threshold = scorer.PointThreshold(new PointScoreRequest(PointScoreMode.Last, rule)); // no need to score the test file again
                rules[rule] = RuleOutcome.Of(labels, points.Scores, threshold);
            }
            catch (ArgumentException)
            {
                // Not fitted for this model and series (POT on too few validation scores): absent.
            }
        }

        if (points.FirstScored + 1 < pair.Test.Length)
        {
            var surprise = SurpriseFlags.Of(points, pair.Train.Length);
            rules["surprise"] = RuleOutcome.Of(labels, surprise.Scores, surprise.Threshold).WithRanking(labels, surprise.Scores);
            rules["dynamic"] = RuleOutcome.Of(labels, DynamicThreshold.Flags(points.Scores, points.FirstScored), null);
            if (Smoothed(scorer, validation, points, labels, ct) is { } smoothed)
            {
                rules["smoothed"] = smoothed;
            }
        }

        if (options.CrossFit > 0)
        {
            try
            {
                var heldOut = CrossFit.HeldOutScores(pair.Train, options.CrossFit, scorer.MinimumRows, (f, v) => DetectorRegistry.Create(model, settings).Fit(f, v, ct: ct));
                rules["crossfit"] = RuleOutcome.Of(labels, points.Scores, CrossFit.Threshold(heldOut));
            }
            catch (ArgumentException)
            {
                // A fold too short to fit or score (a short train file): absent, counted as not fitted.
            }
        }

        return SeriesFileResult.Measure(pair.Name, model, settings.TargetColumns ?? ["all"], pair.Test.Labels!, points, seconds, detector.History.Count, rules) with { Window = settings.Window, Period = (detector as IComparesPeriods)?.Period };
    }

    /// <summary>
    /// The pair streamed row by row, its train rows then its test rows, through a detector that keeps learning, as
    /// <c>score --follow --online on</c> streams them with a bundle fitted on the train file: <see cref="OnlineDetector"/>
    /// with <see cref="OnlineOptions.For"/> the train file's length and the model's lookback, the surprise history that
    /// length. Each test row's score is its surprise and its flag the surprise above <see cref="SurpriseFlags.Flag"/>; no
    /// fitted rule applies. The seconds are the first fit's and the stream's, refits included.
    /// </summary>
    private static SeriesFileResult RunOnline(SeriesPair pair, string model, IReadOnlyList<string>? watched, IFittedDetector detector, IScoresPoints scorer, Stopwatch clock, CancellationToken ct)
    {
        if (!OnlineDetector.CanLearn(detector))
        {
            throw new ArgumentException($"a {detector.Name} does not keep learning while it streams, so --online on cannot run it; measure it without --online on.");
        }

        var trainRows = pair.Train.Length;
        using var stream = new OnlineDetector(OnlineDetector.EstimatorOf(detector), detector, OnlineOptions.For(trainRows, scorer.Lookback), trainRows);
        var channels = pair.Train.ChannelNames.Count;
        var scores = new float[pair.Test.Length];
        var rows = trainRows + pair.Test.Length;
        for (var t = 0; t < rows; t++)
        {
            if (t % 1024 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            var (values, row) = t < trainRows ? (pair.Train.Values, t) : (pair.Test.Values, t - trainRows);
            var point = stream.Push(values.AsSpan(row * channels, channels).ToArray());
            if (t >= trainRows)
            {
                scores[row] = point.Score;
            }
        }

        var points = new SeriesPointScores(scores, SurpriseFlags.Flag, 0, pair.Test.Length);
        return SeriesFileResult.Measure(pair.Name, model, watched ?? ["all"], pair.Test.Labels!, points, clock.Elapsed.TotalSeconds, detector.History.Count, new Dictionary<string, RuleOutcome>(StringComparer.Ordinal)) with { Refits = stream.Refits };
    }

    /// <summary>
    /// The <c>smoothed</c> rule: the validation part scored causally as a series of its own, its scores averaged by
    /// <see cref="Smoothing"/>, their 0.99 quantile (the default rule's) as the threshold of the test scores averaged the
    /// same way. Null when the validation part is too short to score.
    /// </summary>
    private static RuleOutcome? Smoothed(IScoresPoints scorer, SequenceSet validation, SeriesPointScores test, IReadOnlyList<bool> labels, CancellationToken ct)
    {
        SeriesPointScores normal;
        try
        {
            normal = scorer.ScorePoints(validation, new PointScoreRequest(PointScoreMode.Last), ct: ct);
        }
        catch (ArgumentException)
        {
            return null; // shorter than one window
        }

        var fitted = Smoothing.Of(normal.Scores, normal.FirstScored)[Math.Max(0, normal.FirstScored)..];
        if (fitted.Length == 0)
        {
            return null;
        }

        var smoothed = Smoothing.Of(test.Scores, test.FirstScored);
        return RuleOutcome.Of(labels, smoothed, new QuantileThreshold().Fit(fitted)).WithRanking(labels, smoothed);
    }

    [GeneratedRegex(@"^(?<name>.+)\.(?<part>train|test)\.(csv(\.gz)?|parquet)$")]
    private static partial Regex PairFile();
}
