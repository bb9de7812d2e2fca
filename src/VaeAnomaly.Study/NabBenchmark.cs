using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.IO;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Study;

/// <summary>What <see cref="NabBenchmark.RunFile"/> trains and how it scores.</summary>
/// <param name="Window">Window length in rows; 0: each file's own, read from its fit rows (<see cref="DetectorEntry.WindowOf"/>).</param>
/// <param name="Epochs">Largest number of epochs per file.</param>
/// <param name="Seed">Seed of every file's model.</param>
/// <param name="ValidationFraction">Last part of the probationary rows held out for early stopping and thresholds.</param>
/// <param name="Surprise">Report <see cref="ScoreSurprise"/> of the window scores (adapts to drift) rather than their distance above the threshold.</param>
/// <param name="Model">A model of <see cref="DetectorRegistry"/> that scores points (its catalog settings, with these epochs, seed and window), <see cref="NabBenchmark.DefaultModel"/> by default, or parts joined by + (an ensemble).</param>
/// <param name="Online">
/// Keep learning as the file streams (<see cref="OnlineDetector"/> with <see cref="OnlineOptions.For"/> the probationary rows): each row's
/// surprise score, the model fitted again on the rows judged normal.
/// </param>
/// <param name="Guard">With <paramref name="Online"/>: keep flagged rows' scores out of the surprise history (<see cref="OnlineOptions.Guard"/>).</param>
/// <param name="Rest">Rows after each alarm (a score above 0.5) written as 0, the detector quiet (<see cref="AlarmRest"/>; its training length is the probationary period).</param>
/// <param name="Average">With <paramref name="Surprise"/>: judge the mean of each row's window score and those just before it (<see cref="ScoreAverage"/>).</param>
public sealed record NabOptions(int Window = 32, int Epochs = 20, int Seed = 0, double ValidationFraction = 0.25, bool Surprise = true, string Model = NabBenchmark.DefaultModel, bool Online = false, bool Guard = false,
    AlarmRest Rest = default, ScoreAverage Average = default);

/// <summary>One NAB file scored in the benchmark's results layout.</summary>
/// <param name="Key">The file as <c>combined_windows.json</c> names it: <c>category/file.csv</c>.</param>
/// <param name="Series">The file's rows.</param>
/// <param name="Scores">Per row, in [0, 1]: 0 in the probationary period, then the surprise of the window score next to the previous probation-length rows' (<see cref="ScoreSurprise"/>), or <see cref="NabBenchmark.AnomalyScore"/> of its distance above the threshold.</param>
/// <param name="Labels">Per row: inside a labelled anomaly window.</param>
/// <param name="Probation">Rows of the probationary period.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="Seconds">Time for the file, training included.</param>
public sealed record NabFileResult(string Key, Series Series, float[] Scores, bool[] Labels, int Probation, int Epochs, double Seconds)
{
    /// <summary>Refits while the file streamed (online learning); 0 for a frozen model.</summary>
    public int Refits { get; init; }

    /// <summary>The window the model read, in rows; null for a model that reads none or an ensemble.</summary>
    public int? Window { get; init; }

    /// <summary>A row is flagged when its score is above 0.5 (its window score above the threshold) after the probationary period.</summary>
    public bool[] Flags() => [.. Scores.Select((s, t) => t >= Probation && s > 0.5f)];
}

/// <summary>
/// NAB (the Numenta Anomaly Benchmark) run as a streaming detector: for each file a fresh GRU-VAE is trained
/// on the probationary rows only (the first min(floor(0.15 n), 750)), and every later row is scored by the
/// latest window ending at it, so no score uses a future row. Output follows NAB's results layout so its own
/// scorer can read it.
/// </summary>
public static class NabBenchmark
{
    /// <summary>
    /// The model run when none is named: the one whose online run scored highest on the standard profile in
    /// docs/benchmark-log.md (<c>knn</c> with the rest after each alarm, 58.5 on 2026-12-05), by the rule logged there.
    /// </summary>
    public const string DefaultModel = "knn";

    /// <summary>Rows of the probationary period of a file of <paramref name="rows"/> rows.</summary>
    /// <param name="rows">Rows in the file.</param>
    public static int Probation(int rows) => Math.Min((int)Math.Floor(0.15 * rows), 750);

    /// <summary>The CSV files under <paramref name="root"/>'s category folders, as <c>category/file.csv</c>, in order.</summary>
    /// <param name="root">The NAB data folder (one folder per category).</param>
    public static IReadOnlyList<string> Files(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DataFormatException(root, null, null, $"{IO.Messages.NotAFolder(root)}; expected the NAB data folder with one folder per category (realKnownCause, ...)");
        }

        var files = Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d, "*.csv").OrderBy(f => f, StringComparer.Ordinal).Select(f => $"{Path.GetFileName(d)}/{Path.GetFileName(f)}"))
            .ToArray();
        return files.Length > 0 ? files : throw new DataFormatException(root, null, null, "holds no category folder with CSV files");
    }

    /// <summary>Largest label or results file read: NAB's are a few megabytes; a file that never ends stops here.</summary>
    public const long MaxTextBytes = 256L << 20;

    /// <summary>Reads <c>combined_windows.json</c>: file key to its labelled windows (first and last timestamp, both included).</summary>
    /// <param name="path">The labels file.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<(DateTime Start, DateTime End)>> ReadWindows(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, null, "does not exist; expected NAB's combined_windows.json");
        }

        Dictionary<string, string[][]>? raw;
        try
        {
            raw = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(BoundedFile.ReadAllText(path, MaxTextBytes));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, e.LineNumber + 1, null, $"is not a JSON object of file names to lists of [start, end] timestamps: {e.Message}");
        }
        catch (IOException e)
        {
            throw new DataFormatException(path, null, null, $"could not be read: {e.Message}");
        }

        var result = new Dictionary<string, IReadOnlyList<(DateTime, DateTime)>>(StringComparer.Ordinal);
        foreach (var (key, windows) in raw ?? [])
        {
            result[key] = windows.Select(w => w.Length == 2
                ? (Time(w[0]), Time(w[1]))
                : throw new DataFormatException(path, null, null, $"entry '{key}' has a window of {w.Length} timestamps; expected [start, end]")).ToArray();

            DateTime Time(string text) => ParseTime(text)
                ?? throw new DataFormatException(path, null, null, $"entry '{key}': '{text}' is not a timestamp like 2014-04-10 07:15:00.000000");
        }

        return result;
    }

    /// <summary>Parses NAB's timestamps (<c>yyyy-MM-dd HH:mm:ss</c>, optionally with fractional seconds); null when it is not one.</summary>
    /// <param name="text">The text.</param>
    public static DateTime? ParseTime(string text) =>
        DateTime.TryParseExact(text.Trim(), ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    /// <summary>Per row of <paramref name="series"/>: whether its timestamp lies inside one of <paramref name="windows"/>.</summary>
    /// <param name="path">The file, for errors.</param>
    /// <param name="series">The file's rows.</param>
    /// <param name="windows">Its labelled windows.</param>
    public static bool[] Labels(string path, Series series, IReadOnlyList<(DateTime Start, DateTime End)> windows)
    {
        var labels = new bool[series.Length];
        for (var t = 0; t < series.Length; t++)
        {
            var time = ParseTime(series.Timestamps[t])
                ?? throw new DataFormatException(path, t + 2, "timestamp", $"'{series.Timestamps[t]}' is not a timestamp like 2014-04-10 07:15:00");
            labels[t] = windows.Any(w => time >= w.Start && time <= w.End);
        }

        return labels;
    }

    /// <summary>
    /// Reads one file and checks, as <see cref="RunFile"/> would, that its labels fit it and that its probationary rows hold
    /// the model's window; run over every file before any is run, so a short file stops the run before hours of work.
    /// </summary>
    /// <param name="root">The data folder.</param>
    /// <param name="key">The file, <c>category/name.csv</c>.</param>
    /// <param name="windows">Its labelled windows.</param>
    /// <param name="options">Model and window.</param>
    /// <exception cref="DataFormatException">The file cannot be read, its labels do not fit it, or it is too short.</exception>
    public static void CheckFile(string root, string key, IReadOnlyList<(DateTime Start, DateTime End)> windows, NabOptions options)
    {
        var path = Path.Combine(root, key);
        var series = SeriesCsvReader.Read(path, timeColumn: "timestamp", columns: ["value"], delimiter: ",");
        _ = Labels(path, series, windows);
        foreach (var part in options.Model.Split('+', StringSplitOptions.TrimEntries))
        {
            _ = Plan(path, series, options with { Model = part });
        }
    }

    /// <summary>The probationary period, its validation rows, the model's entry, the rows it fits on and its window; an error when they are too few.</summary>
    private static (int Probation, int ValidationRows, DetectorEntry Entry, Series FitRows, int Window) Plan(string path, Series series, NabOptions options)
    {
        var probation = Probation(series.Length);
        var validationRows = (int)Math.Round(probation * options.ValidationFraction);
        var entry = DetectorRegistry.Find(options.Model.Split(' ')[0]);
        var fitRows = series.Slice(0, probation - validationRows);
        var reads = entry.Settings.Contains("window");
        var window = options.Window == 0 ? entry.WindowOf(fitRows, [0]) : options.Window;
        var minValidation = reads ? window : 2; // a window model validates on whole windows
        if (probation - validationRows < window || validationRows < minValidation)
        {
            throw new DataFormatException(path, null, null,
                $"has {series.Length} rows, a probationary period of {probation}; a window of {window} rows needs at least {(int)Math.Ceiling(Math.Max(window / (1 - options.ValidationFraction), minValidation / options.ValidationFraction) / 0.15)} rows");
        }

        return (probation, validationRows, entry, fitRows, window);
    }

    /// <summary>Trains on one file's probationary rows and scores every row.</summary>
    /// <param name="root">The NAB data folder.</param>
    /// <param name="key">The file as <c>category/file.csv</c>.</param>
    /// <param name="windows">The file's labelled windows.</param>
    /// <param name="options">Model and training settings.</param>
    /// <param name="ct">Stops training between batches.</param>
    public static NabFileResult RunFile(string root, string key, IReadOnlyList<(DateTime Start, DateTime End)> windows, NabOptions options, CancellationToken ct = default)
    {
        if (options.Rest != AlarmRest.Off)
        {
            // Only what is reported rests: the file is scored (and learnt from) as without it, then quietened.
            var scored = RunFile(root, key, windows, options with { Rest = AlarmRest.Off }, ct);
            var quiet = (float[])scored.Scores.Clone();
            AlarmRest.Quieten(quiet, scored.Probation, SurpriseFlags.Flag, options.Rest.For(scored.Probation));
            return scored with { Scores = quiet };
        }

        var parts = options.Model.Split('+', StringSplitOptions.TrimEntries);
        if (parts.Length > 1)
        {
            return Ensemble([.. parts.Select(part => RunFile(root, key, windows, options with { Model = part }, ct))], options);
        }

        if (!options.Average.IsOff && !options.Surprise)
        {
            throw new ArgumentException("An average of scores is judged by its surprise; the distance above a threshold is not averaged.");
        }

        var clock = Stopwatch.StartNew();
        var path = Path.Combine(root, key);
        var series = SeriesCsvReader.Read(path, timeColumn: "timestamp", columns: ["value"], delimiter: ",");
        var labels = Labels(path, series, windows);
        var (probation, validationRows, entry, fitRows, window) = Plan(path, series, options);
        var reads = entry.Settings.Contains("window");
        var fit = fitRows.AsSequenceSet("train");
        var validation = series.Slice(probation - validationRows, validationRows).AsSequenceSet("validation");
        var settings = entry.Taking(
            new DetectorSettings { Seed = options.Seed, Epochs = options.Epochs, Window = window, TrainStride = 1, ScoreStride = 1 });
        var estimator = DetectorRegistry.Create(options.Model, settings);
        using var detector = FileRefusal.Naming(path, options.Model, () => estimator.Fit(fit, validation, ct: ct));
        var scorer = detector as IScoresPoints ?? throw new ArgumentException($"NAB scores every row; {detector.Name} does not score points.");
        if (options.Online)
        {
            if (!options.Surprise)
            {
                throw new ArgumentException("Online learning scores each row by its surprise; the distance above a threshold does not apply.");
            }

            return RunOnline(key, series, labels, probation, estimator, detector, OnlineOptions.For(probation, scorer.Lookback) with { Guard = options.Guard, Average = options.Average }, clock) with { Window = reads ? window : null };
        }

        var points = scorer.ScorePoints(series.AsSequenceSet(), new PointScoreRequest(PointScoreMode.Last));
        var scores = new float[series.Length];
        var judged = options.Average.IsOff ? points.Scores : options.Average.Of(points.Scores, points.FirstScored);
        var surprise = options.Surprise ? ScoreSurprise.Compute(judged, probation, points.FirstScored, probation) : null;
        for (var t = probation; t < series.Length; t++)
        {
            scores[t] = (float)(surprise?[t] ?? AnomalyScore(points.Scores[t] - (double)points.Threshold));
        }

        return new NabFileResult(key, series, scores, labels, probation, detector.History.Count, clock.Elapsed.TotalSeconds) { Window = reads ? window : null };
    }

    /// <summary>
    /// Models named <c>a+b</c> combined by likelihood: each row's surprise s = x / (1 + x) stands for a tail probability
    /// 10^(-5x); the tails multiply, so the ensemble's x is the sum of the parts' x.
    /// </summary>
    private static NabFileResult Ensemble(IReadOnlyList<NabFileResult> parts, NabOptions options)
    {
        if (!options.Surprise)
        {
            throw new ArgumentException("An ensemble (a+b) combines the parts' surprise scores; the distance above a threshold does not combine.");
        }

        var first = parts[0];
        var scores = new float[first.Scores.Length];
        for (var t = first.Probation; t < scores.Length; t++)
        {
            var x = parts.Sum(p => (double)p.Scores[t] / (1 - p.Scores[t]));
            scores[t] = (float)(x / (1 + x));
        }

        return first with { Scores = scores, Epochs = parts.Sum(p => p.Epochs), Seconds = parts.Sum(p => p.Seconds), Refits = parts.Sum(p => p.Refits), Window = null };
    }

    /// <summary>The file streamed row by row through a detector that keeps learning; the score of each row after the probationary period is its surprise.</summary>
    private static NabFileResult RunOnline(string key, Series series, bool[] labels, int probation, IDetectorEstimator estimator, IFittedDetector detector, OnlineOptions online, Stopwatch clock)
    {
        using var stream = new OnlineDetector(estimator, detector, online, probation);
        float[] scores = [.. stream.PushAll(series.Values).Select(p => p.Index >= probation ? p.Score : 0f)];
        return new NabFileResult(key, series, scores, labels, probation, detector.History.Count, clock.Elapsed.TotalSeconds) { Refits = stream.Refits };
    }

    /// <summary>
    /// Maps a window score's distance above its threshold into [0, 1] for NAB: 0.5 + 0.5 d / (1 + |d|). Monotone,
    /// 0.5 at the threshold, and unlike a logistic it does not round to exactly 1 in single precision until d is
    /// in the millions, so NAB's threshold sweep can still tell the strongest rows apart.
    /// </summary>
    /// <param name="distance">Score minus threshold.</param>
    public static double AnomalyScore(double distance) => 0.5 + (0.5 * distance / (1 + Math.Abs(distance)));

    /// <summary>Writes one file in NAB's results layout: <c>timestamp,value,anomaly_score,label</c>, one row per data row, in order.</summary>
    /// <param name="result">The scored file.</param>
    /// <param name="path">Destination (<c>DIR/detector/category/detector_file.csv</c>).</param>
    public static void WriteResults(NabFileResult result, string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("timestamp,value,anomaly_score,label");
        for (var t = 0; t < result.Series.Length; t++)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Series.Timestamps[t]},{result.Series.Values[t]:R},{result.Scores[t]:R},{(result.Labels[t] ? 1 : 0)}"));
        }
    }

    /// <summary>Where NAB's scorer expects a file's results: <c>detector/category/detector_file.csv</c>.</summary>
    /// <param name="detector">Detector name (no <c>_</c>).</param>
    /// <param name="key">The file as <c>category/file.csv</c>.</param>
    public static string ResultsPath(string detector, string key)
    {
        if (string.IsNullOrWhiteSpace(detector) || detector.Contains('_') || detector.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"Detector name '{detector}' cannot be used: NAB splits result file names at '_', so the name must be non-empty and contain no '_' or path characters.", nameof(detector));
        }

        var category = Path.GetDirectoryName(key)!;
        return Path.Combine(detector, category, $"{detector}_{Path.GetFileName(key)}");
    }

    /// <summary>
    /// Reads a results folder in NAB's layout (<c>DETECTOR/category/DETECTOR_file.csv</c> with
    /// <c>timestamp,value,anomaly_score,label</c>), written by this tool or any other detector, as scorer input:
    /// windows from the <c>label</c> column, the probationary period from the row count.
    /// </summary>
    /// <param name="detectorFolder">The <c>DETECTOR</c> folder.</param>
    public static IReadOnlyList<(string Key, NabScoringInput Input)> ReadResults(string detectorFolder)
    {
        if (!Directory.Exists(detectorFolder))
        {
            throw new DataFormatException(detectorFolder, null, null, "does not exist; expected a detector's folder of NAB results (category folders of DETECTOR_file.csv)");
        }

        var detector = Path.GetFileName(Path.TrimEndingDirectorySeparator(detectorFolder));
        var files = Directory.GetDirectories(detectorFolder).OrderBy(d => d, StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d, $"{detector}_*.csv").OrderBy(f => f, StringComparer.Ordinal)).ToArray();
        if (files.Length == 0)
        {
            throw new DataFormatException(detectorFolder, null, null, $"holds no category folder with {detector}_*.csv files");
        }

        var result = new List<(string, NabScoringInput)>();
        foreach (var file in files)
        {
            string[] lines;
            try
            {
                var text = BoundedFile.ReadAllText(file, MaxTextBytes);
                lines = [.. text.Split('\n').Select(l => l.TrimEnd('\r'))];
                lines = text.EndsWith('\n') ? lines[..^1] : lines; // as File.ReadAllLines splits
            }
            catch (IOException e)
            {
                throw new DataFormatException(file, null, null, $"could not be read: {e.Message}");
            }

            if (lines.Length < 2 || lines[0].Trim() != "timestamp,value,anomaly_score,label")
            {
                throw new DataFormatException(file, 1, null, "expected the header timestamp,value,anomaly_score,label and at least one row");
            }

            var scores = new float[lines.Length - 1];
            var labels = new bool[lines.Length - 1];
            for (var i = 1; i < lines.Length; i++)
            {
                var cells = lines[i].Split(',');
                if (cells.Length != 4 || !float.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out scores[i - 1]) || cells[3].Trim() is not ("0" or "1"))
                {
                    throw new DataFormatException(file, i + 1, null, $"'{lines[i]}' is not timestamp,value,anomaly_score,label with a number score and a 0/1 label");
                }

                labels[i - 1] = cells[3].Trim() == "1";
            }

            var key = $"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)[(detector.Length + 1)..]}";
            result.Add((key, NabScoringInput.FromLabels(scores, labels, Probation(scores.Length))));
        }

        return result;
    }

    /// <summary>The file as <see cref="NabScorer"/> reads it: scores, windows as row ranges, probationary rows.</summary>
    /// <param name="result">A scored file.</param>
    public static NabScoringInput ScoringInput(NabFileResult result) => NabScoringInput.FromLabels(result.Scores, result.Labels, result.Probation);

    /// <summary>Window recall and point counts of the flags after the probationary periods.</summary>
    /// <param name="results">Scored files.</param>
    public static NabSummary Summarise(IReadOnlyList<NabFileResult> results)
    {
        int windows = 0, found = 0;
        var labels = new List<bool>();
        var flagged = new List<bool>();
        foreach (var result in results)
        {
            var flags = result.Flags();
            foreach (var (first, last) in PointEvaluation.Segments(result.Labels))
            {
                windows++;
                found += Enumerable.Range(first, last - first + 1).Any(i => flags[i]) ? 1 : 0;
            }

            labels.AddRange(result.Labels.Skip(result.Probation));
            flagged.AddRange(flags.Skip(result.Probation));
        }

        return new NabSummary(results.Count, windows, found, ConfusionCounts.Of(labels, flagged));
    }
}

/// <summary>What the flags of a NAB run found.</summary>
/// <param name="Files">Files scored.</param>
/// <param name="Windows">Labelled anomaly windows.</param>
/// <param name="WindowsFound">Windows with at least one flagged row.</param>
/// <param name="Points">Row counts after the probationary periods.</param>
public sealed record NabSummary(int Files, int Windows, int WindowsFound, ConfusionCounts Points)
{
    /// <summary>Fraction of labelled windows with at least one flag.</summary>
    public double WindowRecall => Windows == 0 ? double.NaN : (double)WindowsFound / Windows;
}
