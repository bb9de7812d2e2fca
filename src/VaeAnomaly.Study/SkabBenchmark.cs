using System.Diagnostics;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Study;

/// <summary>
/// SKAB exactly as its leaderboard was computed (<see cref="SkabProtocol"/>), with a fresh model per file: by
/// default the GRU-VAE of the default configuration (sine/cosine time features for the decoder) reading the 60-step
/// training windows whole, or a window baseline of <see cref="DetectorRegistry"/>; the last 10% of the training windows
/// held out for early stopping; residuals from the (posterior-mean) reconstruction. Also our own protocol
/// (<see cref="RunFileOurs"/>) and a label-free check on the anomaly-free recording (<see cref="RunAnomalyFree"/>).
/// </summary>
public static class SkabBenchmark
{
    /// <summary>The folders with anomalies; <c>anomaly-free</c> is not part of the benchmark.</summary>
    public static IReadOnlyList<string> Folders => ["valve1", "valve2", "other"];

    /// <summary>The model the protocols train unless told otherwise.</summary>
    public const string DefaultModel = DetectorRegistry.DefaultModel;

    /// <summary>The benchmark's files present under <paramref name="root"/>, as (folder, file name), in a fixed order.</summary>
    /// <param name="root">The SKAB folder.</param>
    public static IReadOnlyList<(string Folder, string File)> Files(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DataFormatException(root, null, null, $"{IO.Messages.NotAFolder(root)}; expected the SKAB folder with valve1, valve2 and other");
        }

        var files = Folders.Where(f => Directory.Exists(Path.Combine(root, f)))
            .SelectMany(f => Directory.GetFiles(Path.Combine(root, f), "*.csv").Select(p => (f, Path.GetFileName(p))))
            .OrderBy(x => Folders.ToList().IndexOf(x.f)).ThenBy(x => int.TryParse(Path.GetFileNameWithoutExtension(x.Item2), out var n) ? n : int.MaxValue).ThenBy(x => x.Item2, StringComparer.Ordinal)
            .ToArray();
        return files.Length > 0 ? files : throw new DataFormatException(root, null, null, "holds no CSV file under valve1, valve2 or other");
    }

    /// <summary>Runs the protocol on one file.</summary>
    /// <param name="path">A SKAB CSV file.</param>
    /// <param name="seed">Seed of the model.</param>
    /// <param name="epochs">Largest number of epochs.</param>
    /// <param name="levels">Whether the model sees each window's level (the leaderboard's way) or its shape only.</param>
    /// <param name="model"><c>gru-vae</c>, or a window baseline of <see cref="DetectorRegistry"/> (e.g. <c>conv-ae</c>, <c>lstm-ae v2</c>).</param>
    /// <param name="ct">Stops training between batches.</param>
    public static SkabFileResult RunFile(string path, int seed, int epochs, WindowLevels levels = WindowLevels.Keep, string model = DefaultModel, CancellationToken ct = default)
    {
        var (series, values) = Read(path, labelled: true);
        return Run(path, values, series.Labels!, (model, seed, epochs), levels, ct);
    }

    /// <summary>Rows of each piece of the anomaly-free recording: about one benchmark file (400 training rows, 750 test rows).</summary>
    public const int AnomalyFreePieceRows = 1150;

    /// <summary>Where SKAB keeps its recording without anomalies, which is not part of the benchmark.</summary>
    /// <param name="root">The SKAB folder.</param>
    public static string AnomalyFreePath(string root) => Path.Combine(root, "anomaly-free", "anomaly-free.csv");

    /// <summary>
    /// A check that needs no labels: the anomaly-free recording cut into pieces of <see cref="AnomalyFreePieceRows"/>
    /// rows (one piece when shorter), each run like a benchmark file under <paramref name="protocol"/>; every test row is
    /// normal, so every flag is a false alarm.
    /// </summary>
    /// <param name="path">SKAB's <c>anomaly-free.csv</c> (no label column).</param>
    /// <param name="protocol">leaderboard or ours.</param>
    /// <param name="seed">Seed of the models.</param>
    /// <param name="epochs">Largest number of epochs.</param>
    /// <param name="levels">As for <see cref="RunFile"/> (leaderboard protocol only).</param>
    /// <param name="rule">Threshold rule of the ours protocol.</param>
    /// <param name="flags">How the ours protocol flags rows.</param>
    /// <param name="model">As for <see cref="RunFile"/>.</param>
    /// <param name="ct">Stops training between batches.</param>
    /// <param name="average">As for <see cref="RunFileOurs"/>.</param>
    public static IReadOnlyList<SkabFileResult> RunAnomalyFree(string path, string protocol, int seed, int epochs, WindowLevels levels, string rule, SkabFlags flags = SkabFlags.Threshold, string model = DefaultModel, CancellationToken ct = default, ScoreAverage average = default)
    {
        if (protocol is not ("leaderboard" or "ours"))
        {
            throw new ArgumentException($"Unknown protocol '{protocol}'; expected leaderboard or ours.", nameof(protocol));
        }

        var (_, values) = Read(path, labelled: false);
        return [.. Pieces(values.Length).Select(piece =>
        {
            var part = values.Slice(piece.Start, piece.Rows);
            var labels = new bool[piece.Rows];
            return protocol == "ours" ? RunOurs(path, part, labels, (model, seed, epochs), rule, (flags, average), ct) : Run(path, part, labels, (model, seed, epochs), levels, ct);
        })];
    }

    /// <summary>The pieces (first row, rows) of a recording of <paramref name="rows"/> rows: whole pieces of <see cref="AnomalyFreePieceRows"/>, or the whole recording when shorter.</summary>
    /// <param name="rows">Rows of the recording.</param>
    public static IReadOnlyList<(int Start, int Rows)> Pieces(int rows) => rows < AnomalyFreePieceRows
        ? [(0, rows)]
        : [.. Enumerable.Range(0, rows / AnomalyFreePieceRows).Select(k => (k * AnomalyFreePieceRows, AnomalyFreePieceRows))];

    private static SkabFileResult Run(string path, Series values, IReadOnlyList<bool> labels, (string Name, int Seed, int Epochs) model, WindowLevels levels, CancellationToken ct)
    {
        var (seed, epochs) = (model.Seed, model.Epochs);
        var clock = Stopwatch.StartNew();
        var rows = values.Length;
        RequireRows(path, rows, ours: false);

        var trainPart = values.Slice(0, SkabProtocol.TrainRows).AsSequenceSet("train");
        var scaler = Standardizer.Fit(trainPart);
        var testRows = rows - SkabProtocol.TrainRows;
        var trainWindows = SlidingWindows.Cut(scaler.Transform(trainPart), SkabProtocol.Window, 1).Windows;
        var testWindows = SlidingWindows.Cut(scaler.Transform(values.Slice(SkabProtocol.TrainRows, testRows).AsSequenceSet("test")), SkabProtocol.Window, 1).Windows;
        if (levels == WindowLevels.Remove)
        {
            trainWindows = SlidingWindows.RemoveLevels(trainWindows);
            testWindows = SlidingWindows.RemoveLevels(testWindows);
        }

        var fitCount = (int)Math.Ceiling(trainWindows.Count * 0.9);
        var fit = trainWindows.Subset([.. Enumerable.Range(0, fitCount)]);
        var holdOut = trainWindows.Subset([.. Enumerable.Range(fitCount, trainWindows.Count - fitCount)]);
        var (residuals, epochsRun) = Residuals(path, model.Name, (fit, holdOut), (seed, epochs), [trainWindows, testWindows], ct);
        var ucl = SkabProtocol.Ucl(residuals[0]);
        var testResiduals = residuals[1];
        var flags = SkabProtocol.RowFlags([.. testResiduals.Select(r => r > ucl)], testRows);
        var testLabels = labels.Skip(SkabProtocol.TrainRows).ToArray();
        var counts = ConfusionCounts.Of(testLabels, flags);
        return new SkabFileResult([.. values.Timestamps.Skip(SkabProtocol.TrainRows)], flags, counts, ucl, epochsRun, clock.Elapsed.TotalSeconds, testLabels);
    }

    /// <summary>
    /// A fresh detector fitted on the protocol's windows, through the library's detectors like every other run: the
    /// GRU-VAE of the default configuration reading each 60-step window whole, or a window baseline of the catalog
    /// reading exactly one window per window (z-scored, a dense model's sigmoid output for min-max input off), with
    /// early stopping on the held-out windows; then each window set's residuals from its reconstruction
    /// (<see cref="IReconstructs"/>, posterior means for a VAE). The detector's own scaler sees windows the protocol
    /// already z-scored.
    /// </summary>
    private static (double[][] Residuals, int Epochs) Residuals(string path, string name, (SequenceSet Fit, SequenceSet HoldOut) data, (int Seed, int Epochs) run, SequenceSet[] score, CancellationToken ct)
    {
        // Every model reads exactly one window per protocol window (window and strides of its length), z-scored.
        var settings = new DetectorSettings
        {
            Seed = run.Seed,
            Epochs = run.Epochs,
            Window = SkabProtocol.Window,
            TrainStride = SkabProtocol.Window,
            ScoreStride = SkabProtocol.Window,
            Scaler = ScalerKind.ZScore,
        };
        using var detector = FileRefusal.Naming(path, name, () => DetectorRegistry.Create(name, settings).Fit(data.Fit, data.HoldOut, ct: ct));
        var model = detector as IReconstructs ?? throw new ArgumentException($"The leaderboard protocol scores reconstructions; {detector.Name} does not reconstruct.");
        return ([.. score.Select(set =>
        {
            var reconstruction = model.Reconstruct(set);
            return set.Sequences.Select((s, k) => SkabProtocol.Residual(reconstruction[k], s.Values, set.Channels)).ToArray();
        })], detector.History.Count);
    }

    /// <summary>Under <see cref="SkabFlags.Surprise"/> a row is flagged when its surprise exceeds this (a tail of 1e-5, as NAB's flags).</summary>
    public const double SurpriseFlag = 0.5;

    /// <summary>Rows of the first 400 held out for early stopping and thresholds under <see cref="RunFileOurs"/>.</summary>
    public const int OursValidationRows = 100;

    /// <summary>
    /// The same split with our own choices: the default GRU-VAE configuration (32-step windows, stride 1 here), or
    /// another model of the catalog with its settings, trained on the first 300 rows and validated on the next 100, a
    /// z-score scaler fitted on the 300; every row is scored by the combined score of the latest window ending at it
    /// (never looking ahead) and flagged above the <paramref name="rule"/> threshold fitted on the validation windows, by
    /// its surprise, or by its surprise while the model keeps learning (<see cref="SkabFlags.Online"/>). Every test row counts.
    /// </summary>
    /// <param name="path">A SKAB CSV file.</param>
    /// <param name="seed">Seed of the model.</param>
    /// <param name="epochs">Largest number of epochs.</param>
    /// <param name="rule">Threshold rule: quantile, mean-std or pot.</param>
    /// <param name="flags">How rows are flagged: above the rule's threshold, by the score's surprise, or by it while the model keeps learning.</param>
    /// <param name="ct">Stops training between batches.</param>
    /// <param name="model">A model of the catalog that scores points.</param>
    /// <param name="average">With online flags: the scores averaged before their surprise is judged (<see cref="OnlineOptions.Average"/>).</param>
    public static SkabFileResult RunFileOurs(string path, int seed, int epochs, string rule, SkabFlags flags = SkabFlags.Threshold, CancellationToken ct = default, string model = DefaultModel, ScoreAverage average = default)
    {
        var (series, values) = Read(path, labelled: true);
        return RunOurs(path, values, series.Labels!, (model, seed, epochs), rule, (flags, average), ct);
    }

    /// <summary>Refuses an average of the scores where rows are not flagged by their surprise while the model keeps learning.</summary>
    /// <param name="flags">How rows are flagged.</param>
    /// <param name="average">The scores averaged before their surprise is judged.</param>
    /// <exception cref="ArgumentException">An average with flags that are not online.</exception>
    public static void CheckAverage(SkabFlags flags, ScoreAverage average)
    {
        if (!average.IsOff && flags is not (SkabFlags.Online or SkabFlags.OnlineGuarded))
        {
            throw new ArgumentException("--smooth averages the scores whose surprise is judged while the model keeps learning; it applies to --online on.");
        }
    }

    private static SkabFileResult RunOurs(string path, Series values, IReadOnlyList<bool> labels, (string Name, int Seed, int Epochs) model, string rule, (SkabFlags By, ScoreAverage Average) flagging, CancellationToken ct)
    {
        var flagBy = flagging.By;
        CheckAverage(flagBy, flagging.Average);

        var clock = Stopwatch.StartNew();
        var rows = values.Length;
        RequireRows(path, rows, ours: true);

        var settings = DetectorRegistry.Find(model.Name.Split(' ')[0]).Taking(new DetectorSettings { Seed = model.Seed, Epochs = model.Epochs, TrainStride = 1, ScoreStride = 1, Threshold = rule });
        var estimator = DetectorRegistry.Create(model.Name, settings);
        var fitRows = SkabProtocol.TrainRows - OursValidationRows;
        using var detector = FileRefusal.Naming(path, model.Name, () => estimator.Fit(values.Slice(0, fitRows).AsSequenceSet("train"), values.Slice(fitRows, OursValidationRows).AsSequenceSet("validation"), ct: ct));
        var scorer = detector as IScoresPoints ?? throw new ArgumentException($"--protocol ours scores every row; a {detector.Name} does not score points.");
        bool[] flags;
        double threshold;
        if (flagBy is SkabFlags.Online or SkabFlags.OnlineGuarded)
        {
            var options = OnlineOptions.For(SkabProtocol.TrainRows, scorer.Lookback) with { Guard = flagBy == SkabFlags.OnlineGuarded, Average = flagging.Average };
            using var stream = new OnlineDetector(estimator, detector, options, SkabProtocol.TrainRows);
            (flags, threshold) = ([.. stream.PushAll(values.Values).Skip(SkabProtocol.TrainRows).Select(p => p.Flag)], SurpriseFlags.Flag);
        }
        else
        {
            var points = scorer.ScorePoints(values.AsSequenceSet(), new PointScoreRequest(PointScoreMode.Last, rule));
            threshold = points.Threshold;
            flags = flagBy == SkabFlags.Surprise
                ? [.. ScoreSurprise.Compute(points.Scores, SkabProtocol.TrainRows, points.FirstScored, SkabProtocol.TrainRows).Skip(SkabProtocol.TrainRows).Select(v => v > SurpriseFlag)]
                : points.Flags().Skip(SkabProtocol.TrainRows).ToArray();
        }

        var testLabels = labels.Skip(SkabProtocol.TrainRows).ToArray();
        var counts = ConfusionCounts.Of(testLabels, flags);
        return new SkabFileResult([.. values.Timestamps.Skip(SkabProtocol.TrainRows)], flags, counts, threshold, detector.History.Count, clock.Elapsed.TotalSeconds, testLabels);
    }

    /// <summary>
    /// Reads one labelled file and checks that it holds the rows the protocol needs, as a run of it would; run over every
    /// file before any is run, so a short or malformed file stops the run before the work on the files before it.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="ours">True for <c>--protocol ours</c>, false for the leaderboard's.</param>
    /// <param name="labelled">False for the anomaly-free recording, each of whose <see cref="Pieces"/> is checked.</param>
    /// <exception cref="DataFormatException">The file cannot be read or is too short.</exception>
    public static void CheckFile(string path, bool ours, bool labelled = true)
    {
        foreach (var (_, rows) in labelled ? [(0, Read(path, labelled: true).Values.Length)] : Pieces(Read(path, labelled: false).Values.Length))
        {
            RequireRows(path, rows, ours);
        }
    }

    /// <summary>An error naming the file unless it has the rows the protocol needs: the training rows and a window (leaderboard) or a row to test (ours).</summary>
    private static void RequireRows(string path, int rows, bool ours)
    {
        if (ours ? rows <= SkabProtocol.TrainRows : rows < SkabProtocol.TrainRows + SkabProtocol.Window)
        {
            throw new DataFormatException(path, null, null, ours
                ? $"has {rows} rows; the protocol trains on the first {SkabProtocol.TrainRows} and needs more to test"
                : $"has {rows} rows; the protocol needs at least {SkabProtocol.TrainRows + SkabProtocol.Window}");
        }
    }

    /// <summary>A SKAB file: the series with its <c>anomaly</c> labels (none for the anomaly-free recording), and its values without the <c>changepoint</c> column.</summary>
    private static (Series Series, Series Values) Read(string path, bool labelled)
    {
        var series = SeriesCsvReader.Read(path, timeColumn: "datetime", labelColumn: labelled ? "anomaly" : null, delimiter: ";",
            columns: null, missing: MissingValues.Error);
        return (series, DropColumn(series, "changepoint"));
    }

    private static Series DropColumn(Series series, string name)
    {
        var keep = Enumerable.Range(0, series.ChannelNames.Count).Where(c => !series.ChannelNames[c].Equals(name, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (keep.Length == series.ChannelNames.Count)
        {
            return series;
        }

        var c = series.ChannelNames.Count;
        var values = new float[series.Length * keep.Length];
        for (var t = 0; t < series.Length; t++)
        {
            for (var k = 0; k < keep.Length; k++)
            {
                values[(t * keep.Length) + k] = series.Values[(t * c) + keep[k]];
            }
        }

        return series with { ChannelNames = [.. keep.Select(k => series.ChannelNames[k])], Values = values };
    }
}

/// <summary>How the ours protocol turns point scores into flags.</summary>
public enum SkabFlags
{
    /// <summary>Above the threshold rule's value, fitted on the validation windows.</summary>
    Threshold,

    /// <summary>
    /// The score's surprise next to the previous 400 rows' scores (<see cref="ScoreSurprise"/>, as for NAB, with the
    /// training part's length as history) above <see cref="SkabBenchmark.SurpriseFlag"/>: the reference follows the series.
    /// </summary>
    Surprise,

    /// <summary>
    /// By surprise as <see cref="Surprise"/>, each row as it streams, while the model keeps learning (<see cref="OnlineDetector"/>
    /// with <see cref="OnlineOptions.For"/> the 400 training rows): fitted again every 100 rows on the rows judged normal.
    /// </summary>
    Online,

    /// <summary>As <see cref="Online"/>, with flagged rows' scores kept out of the surprise history (<see cref="OnlineOptions.Guard"/>).</summary>
    OnlineGuarded,
}
