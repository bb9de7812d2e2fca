using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.IO;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly score</c>: scores sequences with a saved bundle.</summary>
internal static class ScoreCommand
{
    /// <summary>Sequences scored at a time: bounds memory, and fixes how a file is split so its scores do not depend on its size.</summary>
    public const int ChunkSize = 4096;

    /// <summary>Files whose counts <c>score</c> of several series files prints: all up to this many, else this many with the largest share flagged.</summary>
    private const int ListedFiles = 20;

    public static Command Create(IAnsiConsole console)
    {
        var bundle = SharedOptions.Bundle();
        var data = SharedOptions.DataFiles("Sequences (a long-format CSV file or a folder whose test.csv is used), or a time series (CSV or .parquet) scored per time step; or several series files (--data a.csv b.csv, or days/*.csv), each scored on its own into one scores file with a first column, file.");
        var output = new Option<string>("--out") { Description = "Scores CSV to write, one row per sequence (per time step for a series; a series may also write .parquet).", Required = true };
        var score = new Option<string>("--score") { Description = "Score that is thresholded: reconstruction, kl or combined.", DefaultValueFactory = _ => "combined" };
        score.AcceptOnlyFromAmong([.. ScoreKinds.All.Select(k => k.Name())]);
        var threshold = ThresholdOption.Create(defaultRule: null, value: true);
        var top = new Option<int>("--top") { Description = "Print the N most anomalous sequences with their strongest channels.", DefaultValueFactory = _ => 0 }.NonNegative();
        var force = new Option<bool>("--force") { Description = "Replace an earlier scores file of vae-anomaly (never another file or an input)." };
        var follow = new Option<bool>("--follow") { Description = "Score a series as its rows arrive: --data - reads standard input until it ends, --data FILE follows a growing file until Ctrl+C; --out - writes to standard output. One row out per row in, flushed at once; each row scored from it and the rows before it (last mode, stride 1)." };
        var badRows = SharedOptions.Choice("--on-bad-row", "With --follow: a row with a field that is not a finite number, another number of fields or a time going backwards is reported with its line on the error stream; stop ends the stream there (exit code 1), skip goes on without it.", "stop", "stop", "skip");
        var online = SharedOptions.Choice("--online", "With --follow: on (default) keeps learning: each row is flagged by its surprise, and the model is fitted again (range, gaussian, pca, knn, iforest) or trained 2 more epochs (the GRU-VAE and the window autoencoders) every quarter of its training length on the newest rows judged normal, none near a flag; off scores with the bundle's model as it is.", "on", "on", "off");
        var guard = SharedOptions.Guard();
        var rest = SharedOptions.Rest("off", "with --follow, a resting row is written with its score and the flag 0.");
        var state = new Option<string>("--state") { Description = "With --follow: a folder where the stream is saved when it stops (the rows its windows and scores need, how far a followed file was read, and the model once refitted) and from which the next run continues exactly, appending to its scores file." };
        var series = new SeriesOptionSet();
        var engine = new EngineOptionSet();
        var explainFlags = new Option<bool>("--explain") { Description = "Series: a last column, columns, names for each flagged row the watched columns that made its score, largest share first (temp=0.93;pressure=0.07: what --top says of it), with --follow too; empty for a row not flagged." };
        var report = new Option<string>("--report") { Description = "Series: also write this folder with report.html and its figures: the scores over time, every alarm (a run of flagged rows) with its peak and the columns that made it, the highest rows (labels: use evaluate)." };
        var alarms = new Option<string>("--alarms") { Description = "Series: also write this CSV file of alarms, a line per run of consecutive flagged rows: its first and last time, its rows, the time and score of its peak, the threshold, and the columns that made the peak's score (models that name them)." };
        var command = new Command("score", "Score a series (each row), sequences or records with a trained bundle and flag what lies above its threshold.") { bundle, data, output, score, threshold, top, force, follow, badRows, online, guard, rest, state, explainFlags, report, alarms };
        series.AddTo(command, withSplit: false);
        series.RefuseThresholdWithSurprise(command, threshold);
        engine.AddTo(command);

        command.SetAction((r, ct) => r.GetValue(follow)
            ? CommandRunner.RunAsync(console, r, token =>
            {
                var dataPath = r.GetValue(data)!.Length == 1 ? r.GetValue(data)![0]
                    : throw new ArgumentException($"--follow scores one stream, and --data names {r.GetValue(data)!.Length} files; follow each with its own score --follow (or score the files whole, without --follow).");
                if (ModelOptionSet.Given(r, score) || ModelOptionSet.Given(r, top) || ModelOptionSet.Given(r, series.PointScore) || ModelOptionSet.Given(r, report) || ModelOptionSet.Given(r, alarms))
                {
                    throw new ArgumentException("--follow scores each row by the window that ends at it (last mode) as it arrives; --score, --point-score, --top, --report and --alarms do not apply (each flagged row is written as it arrives; --rest auto makes one alarm per event).");
                }

                if (ModelOptionSet.Given(r, series.Missing) && r.GetValue(series.Missing) != MissingValues.Ffill)
                {
                    throw new ArgumentException($"--missing {r.GetValue(series.Missing).ToString().ToLowerInvariant()} does not apply to a followed stream: it cannot wait for the row after a gap. --missing ffill gives a gap (an empty, NaN or NA cell) its column's value in the row before; otherwise a row with a gap is a bad row, reported with its line, and --on-bad-row skip goes on past it.");
                }

                if (SeriesParquetReader.IsParquet(dataPath) || SeriesParquetReader.IsParquet(r.GetValue(output)!))
                {
                    throw new ArgumentException($"--follow reads and writes CSV rows as they arrive; a Parquet file ({(SeriesParquetReader.IsParquet(dataPath) ? dataPath : r.GetValue(output))}) is written whole, so score it without --follow or write CSV.");
                }

                using var streamed = engine.Load(r, r.GetValue(bundle)!, r.GetValue(threshold));
                if (streamed is not IScoresPoints)
                {
                    // Before any note on learning: a model that cannot stream says only why.
                    throw new ArgumentException((streamed as IReadsRecords)?.Encoder is not null
                        ? $"This {streamed.Name} was trained on records (--records): it scores a file of records, one score each, with score --data FILE; --follow streams the rows of a series."
                        : $"A {streamed.Name} does not score the points of a series, so it cannot score a stream.");
                }

                int? surprise = r.GetValue(series.FlagBy) == "surprise" ? (int)Math.Clamp(streamed.TrainingData.TrainSteps, 2, int.MaxValue) : null;
                var stateFolder = r.GetValue(state);
                if (stateFolder is not null)
                {
                    StagedDirectory.EnsureWritable(stateFolder, replace: true, r.GetValue(bundle), dataPath == "-" ? null : dataPath, r.GetValue(output) == "-" ? null : r.GetValue(output));
                }

                // Held until the stream is saved: a second stream on the same state would read it stale and then write over what this one learnt.
                using var stateLock = stateFolder is null ? null : FolderLock.AcquireBeside(stateFolder, "a followed stream's state, --state");

                var restRows = AlarmRest.Parse(r.GetValue(rest)!).For(TrainingRows(streamed));
                using var learning = Online(r, (online, guard), series, threshold, streamed, stateFolder, restRows);
                var frozen = learning is null && stateFolder is not null ? Frozen(stateFolder, streamed, (r.GetValue(threshold), surprise, restRows)) : null;
                var continued = stateFolder is not null && (learning is not null ? OnlineStateFolder.Holds(stateFolder) : OnlineStateFolder.HoldsFrozen(stateFolder));
                var streamRows = learning?.State.Stream.Rows ?? frozen?.Rows ?? 0;
                var savedRows = continued ? (learning?.State.Stream ?? frozen!.State).Recent : [];
                var carry = (r.GetValue(series.Missing) == MissingValues.Ffill, savedRows.Count > 0 ? savedRows[^1] : null); // a continued stream's first gap takes the row it scored last
                var (appendTo, pending) = continued ? ScoreFollow.ScoresToContinue(r.GetValue(output)!, r.GetValue(force), stateFolder!, streamRows, r.GetValue(explainFlags)) : (null, null);
                var resume = (From: continued ? FollowedPosition.Read(stateFolder!) : null, AppendTo: appendTo, Unwritten: pending);
                if (appendTo is { } earlier)
                {
                    r.InvocationConfiguration.Error.WriteLine($"note: appending to {r.GetValue(output)}, whose {earlier} rows are the scores of the stream saved in {stateFolder}"
                        + (pending is null ? "." : $"; the {pending.Count(c => c == '\n')} it scored last, which its disk could not take, are written first."));
                }

                var (exit, position, unwritten) = ScoreFollow.RunAsync(console, streamed, (r.GetValue(threshold), surprise, restRows), (dataPath, r.GetValue(output)!, r.GetValue(force), r.GetValue(bundle)!),
                    (r.GetValue(series.TimeColumn), series.DelimiterOf(r)), (r.InvocationConfiguration.Error, r.GetValue(badRows) == "skip"), learning, frozen, r.GetValue(explainFlags), carry, resume, token).GetAwaiter().GetResult();
                if (stateFolder is not null)
                {
                    try
                    {
                        Action<string> besides = folder => ScoreFollow.SaveWithState(folder, position, r.GetValue(output) == "-" ? null : unwritten);
                        if (learning is not null)
                        {
                            OnlineStateFolder.Save(stateFolder, learning, r.GetValue(bundle)!, streamed.TrainingData.Fingerprint, besides);
                        }
                        else
                        {
                            OnlineStateFolder.SaveFrozen(stateFolder, frozen!, r.GetValue(bundle)!, streamed.TrainingData.Fingerprint, besides);
                        }
                    }
                    catch (IOException e)
                    {
                        // The folder is replaced whole or not at all: say what the user still has, not only what failed.
                        throw new IOException($"The stream's state could not be saved to {stateFolder}: {PartialOutput.ShowDestinations(e.Message)} The folder keeps the state of its last save, and the scores written stay; the next run with --state continues from that save.", e);
                    }
                }

                return exit;
            }, ct)
            : CommandRunner.RunAsync(console, r, token =>
        {
            var dataPath = r.GetValue(data)![0];
            if (ModelOptionSet.Given(r, badRows) || ModelOptionSet.Given(r, online) || ModelOptionSet.Given(r, guard) || ModelOptionSet.Given(r, rest) || ModelOptionSet.Given(r, state))
            {
                throw new ArgumentException("--on-bad-row, --online, --guard, --rest and --state apply to a followed stream (--follow); a file scored whole is refused at its first bad line, before anything is written.");
            }

            var path = r.GetValue(output)!;
            var paths = r.GetValue(data)!;
            if (path == "-" || paths.Contains("-"))
            {
                throw new ArgumentException("'-' (standard input or output) is read and written by a followed series (--follow), one row at a time; a file scored whole is read from a file, and its scores are written to a file under a temporary name and renamed when complete: name the files.");
            }

            if (paths.Length > 1)
            {
                DataPaths.RequireSeriesFiles(paths, "series files, each scored on its own into one scores file");
                return ScoreFiles(console, r, (series, engine), (bundle, threshold, score), paths, (path, r.GetValue(force), r.GetValue(explainFlags), r.GetValue(alarms), r.GetValue(report)), r.GetValue(top), token);
            }

            var (reportFolder, alarmsPath) = (r.GetValue(report), r.GetValue(alarms));
            string?[] inputs = [dataPath, .. Inputs(dataPath)];
            EnsureOutputs((path, r.GetValue(force), alarmsPath, reportFolder), r.GetValue(bundle), inputs);

            using var loaded = engine.Load(r, r.GetValue(bundle)!, r.GetValue(threshold));
            if (ModelOptionSet.Given(r, score) && loaded is not IScoresKinds)
            {
                throw new ArgumentException($"--score picks among the GRU-VAE's scores; a {loaded.Name} bundle has one score, its reconstruction error.");
            }

            if (SeriesParquetReader.IsParquet(path) && !(DataPaths.IsSeries(dataPath) && loaded is IScoresPoints))
            {
                throw new ArgumentException($"--out {path}: Parquet is written for the points of a series; the scores of sequences and records are written as CSV (name a .csv file).");
            }

            if (DataPaths.IsSeries(dataPath) && loaded is IScoresPoints scorer)
            {
                // Any model that scores points: the same request, whichever it is, and one file scored as several are
                return ScoreSeriesFiles(console, r, series, (loaded, scorer, r.GetValue(bundle)!, r.GetValue(score)!), inputs, [dataPath],
                    (path, r.GetValue(force), r.GetValue(explainFlags), alarmsPath, reportFolder), r.GetValue(top), token);
            }

            if (reportFolder is not null)
            {
                throw new ArgumentException("--report writes the report of a series; for labelled sequences and records, evaluate writes one.");
            }

            if (alarmsPath is not null)
            {
                throw new ArgumentException("--alarms lists the alarms of a series (runs of consecutive flagged rows); sequences and records are flagged one by one in the scores file.");
            }

            if (r.GetValue(explainFlags) && loaded is not IExplainsInputs)
            {
                throw new ArgumentException($"--explain names the columns behind each flagged row of a series, and of records or sequences scored by a dense model; "
                    + (loaded is IScoresKinds ? $"for sequences a {loaded.Name} is explained by --top, which names each one's strongest channels." : $"a {loaded.Name} does not explain whole sequences."));
            }

            if (ModelOptionSet.Given(r, series.FlagBy))
            {
                throw new ArgumentException("--flag-by applies to a series scored per point; sequences and records are flagged by the bundle's threshold.");
            }

            if (loaded is not IScoresKinds kinds)
            {
                return ScoreBaseline(console, loaded, r, series, dataPath, (path, r.GetValue(force), r.GetValue(explainFlags)), r.GetValue(top), token);
            }

            var kind = ScoreKinds.Parse(r.GetValue(score)!);
            return ScoreSequences(console, loaded, kinds, dataPath, r.GetValue(series.Missing), kind, path, r.GetValue(force), r.GetValue(top), token);
        }, ct));
        return command;
    }

    /// <summary>
    /// Scores several series files with one bundle, each file on its own (its own windows, and with <c>--flag-by
    /// surprise</c> its own history), and writes their points to one file with a first column <c>file</c>, their alarms
    /// to one <c>--alarms</c> file, each file's report to a numbered folder of <c>--report</c>, and one <c>--top</c> table
    /// over all of them.
    /// </summary>
    private static int ScoreFiles(IAnsiConsole console, ParseResult r, (SeriesOptionSet Series, EngineOptionSet Engine) options, (Option<string> Bundle, Option<string> Threshold, Option<string> Score) model,
        string[] paths, (string Path, bool Force, bool Explain, string? Alarms, string? Report) output, int top, CancellationToken ct)
    {
        var (series, bundle) = (options.Series, r.GetValue(model.Bundle)!);
        EnsureOutputs((output.Path, output.Force, output.Alarms, output.Report), bundle, paths);
        using var loaded = options.Engine.Load(r, bundle, r.GetValue(model.Threshold));
        if (loaded is not IScoresPoints scorer)
        {
            throw RecordsInput.SeveralRefusal(loaded, paths.Length, "score");
        }

        if (ModelOptionSet.Given(r, model.Score) && loaded is not IScoresKinds)
        {
            throw new ArgumentException($"--score picks among the GRU-VAE's scores; a {loaded.Name} bundle has one score, its reconstruction error.");
        }

        return ScoreSeriesFiles(console, r, series, (loaded, scorer, bundle, r.GetValue(model.Score)!), paths, paths, output, top, ct);
    }

    /// <summary>
    /// Refuses, before anything is read, outputs that would replace an input, the bundle or each other, or a file or folder
    /// that is not an earlier output of the tool (unless <c>--force</c> may replace it, and then only such an output).
    /// </summary>
    /// <param name="output">The scores file, <c>--force</c>, and the alarms file and report folder when asked for.</param>
    /// <param name="bundle">The bundle read.</param>
    /// <param name="inputs">The data files and the files beside them that are read.</param>
    private static void EnsureOutputs((string Path, bool Force, string? Alarms, string? Report) output, string? bundle, string?[] inputs)
    {
        var (path, alarmsPath, reportFolder) = (output.Path, output.Alarms, output.Report);
        AtomicFile.EnsureWritable(path, output.Force, [bundle, .. inputs]);
        if (reportFolder is not null)
        {
            StagedDirectory.EnsureWritable(reportFolder, output.Force, [bundle, path, alarmsPath, .. inputs]);
        }

        if (alarmsPath is not null)
        {
            if (Path.GetFullPath(alarmsPath) == Path.GetFullPath(path))
            {
                throw new ArgumentException($"--alarms and --out both name '{alarmsPath}'; the alarms and the points are two files: give each its own name.");
            }

            AtomicFile.EnsureWritable(alarmsPath, output.Force, AlarmsCsv.Kind, [bundle, path, reportFolder, .. inputs]);
        }
    }

    /// <summary>
    /// Scores series files with one bundle, each on its own (its own windows, and with <c>--flag-by surprise</c> its own
    /// history), and writes their points to one file (with a first column <c>file</c> when there are several), their
    /// alarms to one <c>--alarms</c> file, their reports to <c>--report</c> (each file's to a numbered folder of it when
    /// there are several), and one <c>--top</c> table over all of them. The reports are staged first and kept only once
    /// the points are written: both, or neither.
    /// </summary>
    /// <param name="console">Where the summary and the top table go.</param>
    /// <param name="r">The parsed command line (the series options' values).</param>
    /// <param name="series">The series options: reading, point scores, flagging.</param>
    /// <param name="model">The loaded bundle, as the scorer of points, its folder, and the score kind asked for.</param>
    /// <param name="inputs">What the outputs must not be: the data files and the files beside them that are read.</param>
    /// <param name="paths">The series files, in order.</param>
    /// <param name="output">The points file, whether to replace an earlier one, whether to explain each flagged row, the alarms file and the report folder.</param>
    /// <param name="top">How many rows the top table lists (0: none).</param>
    /// <param name="ct">Observed while reading and scoring, and before the points file takes its name.</param>
    private static int ScoreSeriesFiles(IAnsiConsole console, ParseResult r, SeriesOptionSet series, (IFittedDetector Loaded, IScoresPoints Scorer, string Bundle, string Score) model,
        string?[] inputs, string[] paths, (string Path, bool Force, bool Explain, string? Alarms, string? Report) output, int top, CancellationToken ct)
    {
        var (loaded, path, one) = (model.Loaded, output.Path, paths.Length == 1);
        var mode = series.PointScoreOf(r);
        var request = new PointScoreRequest(mode, Kind: ScoreKinds.Parse(model.Score));
        var files = new List<ScoredFile>();
        double threshold = double.NaN;
        foreach (var file in paths)
        {
            var read = series.ReadFor(console, r, file, loaded, ct);
            var points = series.Flagged(r, model.Scorer.ScorePoints(read.AsSequenceSet(), request, ct: ct), loaded.TrainingData.TrainSteps);
            threshold = points.Threshold; // the bundle's, or surprise's probability: the same for every file
            files.Add(new ScoredFile(file, read, points.Scores, StepExplanations.For(loaded, read)));
        }

        var rule = r.GetValue(series.FlagBy) == "surprise" ? "surprise" : loaded.Thresholds.Rule;
        using var staged = output.Report is null ? null : StagedDirectory.Begin(output.Report, output.Force, [model.Bundle, path, .. inputs]);
        for (var k = 0; staged is not null && k < files.Count; k++)
        {
            var (f, folder) = (files[k], one ? staged.Staging : staged.PathOf(DataPaths.FolderOf(k, files[k].File)));
            Directory.CreateDirectory(folder);
            EvaluationReport.WriteSeries(loaded, f.Series with { Labels = null }, new SeriesScoring(f.Scores, threshold, rule, mode.Name(), null, f.Explain), folder, $"VaeAnomaly: {loaded.Name} on {Path.GetFileName(f.File)}");
        }

        AtomicFile.Write(path, output.Force, temp =>
        {
            var (parquet, first) = (SeriesParquetReader.IsParquet(path), files[0]);
            var columns = output.Explain ? first.Explain ?? (_ => null) : null;
            if (one && parquet)
            {
                PointScoresParquet.Write(first.Series, first.Scores, threshold, temp, columns);
            }
            else if (one)
            {
                PointScoresCsv.Write(first.Series, first.Scores, threshold, temp, columns);
            }
            else if (parquet)
            {
                PointScoresParquet.Write(files, threshold, temp, output.Explain);
            }
            else
            {
                PointScoresCsv.Write(files, threshold, temp, output.Explain);
            }

            ct.ThrowIfCancellationRequested(); // before the file takes its name
        });
        var (rows, above) = (files.Sum(f => f.Series.Length), files.Sum(f => f.Scores.Count(s => s > threshold)));
        if (files.Sum(f => f.Series.FilledValues) + files.Sum(f => f.Series.DroppedRows) is > 0)
        {
            console.WriteLine($"Missing values: {files.Sum(f => f.Series.FilledValues)} filled, {files.Sum(f => f.Series.DroppedRows)} rows dropped.");
        }

        // With several files each one's count, or with many (a year of days) those with the largest share above the threshold.
        var listed = one ? [] : files.Count <= ListedFiles ? files : [.. files.OrderByDescending(f => (double)f.Scores.Count(s => s > threshold) / f.Series.Length).Take(ListedFiles)];
        if (listed.Count > 0 && listed.Count < files.Count)
        {
            console.WriteLine($"The {ListedFiles} of {files.Count} files with the largest share of time steps above the threshold:");
        }

        foreach (var f in listed)
        {
            console.WriteLine($"{f.File}: {f.Series.Length} time steps, {f.Scores.Count(s => s > threshold)} above the threshold.");
        }

        console.MarkupLineInterpolated(
            $"Scored {rows} time steps{(one ? "" : $" of {files.Count} files")}; {above} above the {rule} threshold of the {mode.Name()} point scores, {threshold.ToString("G5", CultureInfo.InvariantCulture)}. Wrote [bold]{Path.GetFullPath(path)}[/].");
        if (FlagRateNote(above, rows, rule, "time steps") is { } note)
        {
            console.WriteLine(note);
        }

        if (output.Alarms is { } alarmsPath)
        {
            var count = 0;
            AtomicFile.Write(alarmsPath, output.Force, AlarmsCsv.Kind, temp => count = one ? AlarmsCsv.Write(files[0].Series, files[0].Scores, threshold, temp, files[0].Explain) : AlarmsCsv.Write(files, threshold, temp),
                [model.Bundle, path, output.Report, .. inputs]);
            console.MarkupLineInterpolated($"Wrote {count} {(count == 1 ? "alarm" : "alarms")} (runs of flagged rows{(one ? "" : ", none across two files")}) to [bold]{Path.GetFullPath(alarmsPath)}[/].");
        }

        if (staged is not null)
        {
            staged.Commit();
            if (one)
            {
                console.MarkupLineInterpolated($"Wrote report.html and its figures to [bold]{Path.GetFullPath(output.Report!)}[/].");
            }
            else
            {
                console.MarkupLineInterpolated($"Wrote each file's report.html and figures to a folder of its own in [bold]{Path.GetFullPath(output.Report!)}[/] (01-{Path.GetFileName(files[0].File)}, ...).");
            }
        }

        if (top > 0)
        {
            var all = files.SelectMany(f => Enumerable.Range(0, f.Series.Length).Select(t => (File: f, Row: t))).ToArray();
            var table = new Table().Border(TableBorder.Rounded).Title(one ? $"top {top} time steps" : $"top {top} time steps of {files.Count} files");
            foreach (var column in (one ? [] : new[] { "file" }).Concat(["timestamp", "score", "flagged"]).Concat(files.Any(f => f.Explain is not null) ? ["strongest channels (share of the error of the window ending here)"] : []))
            {
                table.AddColumn(column);
            }

            foreach (var i in TopIndices.Of([.. all.Select(a => a.File.Scores[a.Row])], top))
            {
                var (f, t) = all[i];
                string[] cells = [.. (one ? [] : new[] { Markup.Escape(f.File) }), Markup.Escape(f.Series.Timestamps[t]), f.Scores[t].ToString("G5", CultureInfo.InvariantCulture), f.Scores[t] > threshold ? "[red]yes[/]" : "no"];
                table.AddRow(table.Columns.Count == cells.Length ? cells : [.. cells, f.Explain?.Invoke(t) is { } a ? Markup.Escape(a.Strongest()) : "(before the first window)"]);
            }

            console.Write(table);
        }

        return 0;
    }

    /// <summary>
    /// The scorer of a stream scored by the bundle as it is (<c>--online off</c>, or a model that does not learn) whose
    /// state is kept in <paramref name="stateFolder"/>: the one saved there, continued, or a new one.
    /// </summary>
    /// <exception cref="ArgumentException">The folder holds a stream that keeps learning.</exception>
    private static StreamingScorer Frozen(string stateFolder, IFittedDetector model, (string? Rule, int? SurpriseHistory, int RestRows) flags)
    {
        if (OnlineStateFolder.Holds(stateFolder))
        {
            throw new ArgumentException($"--state {stateFolder} holds a stream that keeps learning (--online on); continue it with --online on, or give another folder.");
        }

        StreamingScorer Make(StreamState? state) => state is null
            ? new StreamingScorer(model, flags.Rule, flags.SurpriseHistory, rest: flags.RestRows)
            : StreamingScorer.Resume(model, state, flags.Rule, flags.SurpriseHistory, rest: flags.RestRows);
        return OnlineStateFolder.HoldsFrozen(stateFolder) ? OnlineStateFolder.LoadFrozen(stateFolder, model.TrainingData.Fingerprint, Make) : Make(null);
    }

    /// <summary>
    /// The detector that keeps learning for <c>--follow --online on</c>: the bundle's model fitted again by its own settings
    /// (<see cref="IRefits"/>) or trained further (<see cref="IFineTunes"/>), flagging by surprise over its training length;
    /// null with <c>--online off</c>, or for a model that does neither (said on the error stream when <c>--online</c> was not
    /// given, refused when it was).
    /// </summary>
    private static OnlineDetector? Online(ParseResult r, (Option<string> Online, Option<string> Guard) learning, SeriesOptionSet series, Option<string> threshold, IFittedDetector model, string? stateFolder, int rest)
    {
        var online = learning.Online;
        var learns = r.GetValue(online) == "on" && OnlineDetector.CanLearn(model);
        var guarded = SharedOptions.Guarded(r, learning.Guard, learns);
        if (r.GetValue(online) != "on")
        {
            return null;
        }

        if (!OnlineDetector.CanLearn(model))
        {
            if (ModelOptionSet.Given(r, online))
            {
                throw new ArgumentException($"--online on: a {model.Name} does not keep learning while it streams (every model that scores the points of a series does); use --online off.");
            }

            r.InvocationConfiguration.Error.WriteLine($"note: a {model.Name} does not keep learning while it streams; it scores as it is (--online off).");
            return null;
        }

        if ((ModelOptionSet.Given(r, series.FlagBy) && r.GetValue(series.FlagBy) != "surprise") || ModelOptionSet.Given(r, threshold))
        {
            throw new ArgumentException("--online on flags each row by its surprise, next to the model's recent scores; --flag-by threshold and --threshold apply with --online off.");
        }

        var trainingRows = TrainingRows(model);
        var estimator = OnlineDetector.EstimatorOf(model);
        var options = OnlineOptions.For(trainingRows, ((IScoresPoints)model).Lookback) with { Guard = guarded, Rest = rest };
        if (stateFolder is not null && OnlineStateFolder.HoldsFrozen(stateFolder))
        {
            throw new ArgumentException($"--state {stateFolder} holds a stream scored by the bundle as it is (--online off); continue it with --online off, or give another folder.");
        }

        return stateFolder is not null && OnlineStateFolder.Holds(stateFolder)
            ? OnlineStateFolder.Load(stateFolder, estimator, model, options, trainingRows)
            : new OnlineDetector(estimator, model, options, trainingRows);
    }

    /// <summary>Rows the bundle's model was fitted on (training and validation): the surprise history and the rest's scale of a stream.</summary>
    private static int TrainingRows(IFittedDetector model) => (int)Math.Clamp(model.TrainingData.Steps, 2, 1_000_000);

    /// <summary>The files <c>score</c> reads from <paramref name="data"/>: the data file and the labels beside it.</summary>
    private static string?[] Inputs(string data)
    {
        var (file, labels) = DataPaths.SequenceFiles(data, labels: null);
        return [file, labels];
    }

    /// <summary>
    /// Scores a sequence file a chunk of sequences at a time and appends each chunk's rows, so memory stays
    /// bounded by the chunk whatever the file's size; only the top rows are kept for the table.
    /// </summary>
    private static int ScoreSequences(IAnsiConsole console, IFittedDetector detector, IScoresKinds kinds, string data, MissingValues missing, ScoreKind kind, string path, bool force, int top, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (file, labels) = DataPaths.SequenceFiles(data, labels: null);
        var rule = detector.Thresholds.Rule;
        var value = detector.Thresholds.Value(kind.Name());
        var (scored, above, filled, dropped) = (0, 0, 0, 0);
        var best = new TopScores<(string Id, Attribution Where)>(top);
        AtomicFile.Write(path, force, temp =>
        {
            ScoresCsv? writer = null;
            try
            {
                foreach (var chunk in SequenceCsvReader.ReadChunks(file, ChunkSize, labels, missing))
                {
                    ct.ThrowIfCancellationRequested();
                    var scores = kinds.ScoreAll(chunk);
                    writer ??= new ScoresCsv(temp, chunk.Labels is not null, kind, value);
                    writer.Append(chunk, scores);
                    var selected = kind == ScoreKind.Combined ? scores.Combined : scores.Parts.Of(kind);
                    (scored, above, filled, dropped) = (scored + chunk.Count, above + selected.Count(s => s > value), filled + chunk.FilledValues, dropped + chunk.DroppedRows);
                    for (var i = 0; i < chunk.Count; i++)
                    {
                        best.Offer(selected[i], () => (chunk.Sequences[i].Id, Attribution.Of(chunk.ChannelNames, scores.Parts, i)));
                    }
                }
            }
            finally
            {
                writer?.Dispose();
            }
        });

        if (filled + dropped > 0)
        {
            console.WriteLine($"Missing values: {filled} filled, {dropped} rows dropped.");
        }

        console.MarkupLineInterpolated(
            $"Scored {scored} sequences; {above} above the {rule} threshold {value.ToString("G5", CultureInfo.InvariantCulture)} of the {kind.Name()} score. Wrote [bold]{Path.GetFullPath(path)}[/].");
        if (FlagRateNote(above, scored, rule, "sequences") is { } note)
        {
            console.WriteLine(note);
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Took {clock.Elapsed.TotalSeconds:F1} s ({scored / Math.Max(1e-9, clock.Elapsed.TotalSeconds):F0} sequences/s), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB."));
        if (top > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"top {top} by {kind.Name()} score");
            foreach (var column in new[] { "sequence", kind.Name(), "flagged", "strongest channels (share of error)", "highest-error span" })
            {
                table.AddColumn(column);
            }

            foreach (var (s, (id, a)) in best.Items)
            {
                table.AddRow(
                    Markup.Escape(id),
                    s.ToString("G5", CultureInfo.InvariantCulture),
                    s > value ? "[red]yes[/]" : "no",
                    Markup.Escape(a.Strongest()),
                    $"{a.SpanStart}-{a.SpanEnd - 1}");
            }

            console.Write(table);
        }

        return 0;
    }

    /// <summary>
    /// Scores records (a bundle trained with --records) or sequences (a chunk at a time) with a baseline, writes one row
    /// each (with <c>--explain</c>, a flagged one's columns), and when the data are labelled prints AUC-ROC, AUC-PR and
    /// the confusion at the bundle's threshold; <c>--top</c> names each top row's strongest columns where the model says.
    /// </summary>
    private static int ScoreBaseline(IAnsiConsole console, IFittedDetector detector, ParseResult r, SeriesOptionSet series, string data, (string Path, bool Force, bool Explain) output, int top, CancellationToken ct)
    {
        var (path, force) = (output.Path, output.Force);
        var clock = Stopwatch.StartNew();
        var (scores, labels, ids) = (new List<float>(), new List<bool>(), new List<string>());
        var explains = detector as IExplainsInputs;
        var strongest = new List<string>(); // each input's strongest columns, for the top table
        IReadOnlyList<Attribution>? Explained(SequenceSet set)
        {
            if (explains is null || (!output.Explain && top == 0))
            {
                return null;
            }

            var explanations = explains.Explain(set);
            if (top > 0)
            {
                strongest.AddRange(explanations.Select(a => a.Strongest()));
            }

            return output.Explain ? explanations : null;
        }

        var labelled = false;
        var encoder = (detector as IReadsRecords)?.Encoder;
        var threshold = encoder is not null || !DataPaths.IsSeries(data) ? detector.Thresholds.Value() : double.NaN; // refused before any work when the rule was not fitted
        if (encoder is not null)
        {
            var set = RecordsInput.ReadFor(console, r, series, data, encoder, ct);
            Collect(set, detector.Score(set));
            var explanations = Explained(set);
            AtomicFile.Write(path, force, temp =>
            {
                using var writer = new SingleScoreCsv(temp, "line", set.Labels is not null, threshold, output.Explain);
                writer.Append(set, scores, explanations);
                ct.ThrowIfCancellationRequested(); // before the file takes its name
            });
        }
        else if (DataPaths.IsSeries(data))
        {
            throw RecordsInput.SeriesRefusal(detector, "score"); // a model that scores points took the series path before this
        }
        else
        {
            var (file, labelsFile) = DataPaths.SequenceFiles(data, labels: null);
            AtomicFile.Write(path, force, temp =>
            {
                SingleScoreCsv? writer = null;
                try
                {
                    foreach (var chunk in SequenceCsvReader.ReadChunks(file, ChunkSize, labelsFile, r.GetValue(series.Missing)))
                    {
                        ct.ThrowIfCancellationRequested();
                        var chunkScores = detector.Score(chunk);
                        writer ??= new SingleScoreCsv(temp, SequenceCsvReader.IdColumn, chunk.Labels is not null, threshold, output.Explain);
                        writer.Append(chunk, chunkScores, Explained(chunk));
                        Collect(chunk, chunkScores);
                        SeriesOptionSet.NoteRounding(console, chunk.Rounded, file); // the whole file's, with its last chunk
                    }
                }
                finally
                {
                    writer?.Dispose();
                }
            });
        }

        console.MarkupLineInterpolated(
            $"Scored {scores.Count} {(encoder is not null ? "records" : "sequences")} with the {detector.Name}; {scores.Count(s => s > threshold)} above the {detector.Thresholds.Rule} threshold {threshold.ToString("G5", CultureInfo.InvariantCulture)}. Wrote [bold]{Path.GetFullPath(path)}[/].");
        if (FlagRateNote(scores.Count(s => s > threshold), scores.Count, detector.Thresholds.Rule, encoder is not null ? "records" : "sequences") is { } rateNote)
        {
            console.WriteLine(rateNote);
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Took {clock.Elapsed.TotalSeconds:F1} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB."));
        if (labelled && labels.Contains(true) && labels.Contains(false))
        {
            var asDouble = scores.Select(s => (double)s).ToArray();
            var confusion = ConfusionCounts.At(labels, asDouble, threshold);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Against the labels: AUC-ROC {RankingMetrics.RocAuc(labels, asDouble):F3}, AUC-PR {RankingMetrics.AveragePrecision(labels, asDouble):F3}; at the threshold precision {confusion.Precision:F3}, recall {confusion.Recall:F3}, F1 {confusion.F1:F3} (TP {confusion.TruePositives}, FP {confusion.FalsePositives}, FN {confusion.FalseNegatives}, TN {confusion.TrueNegatives})."));
        }

        if (top > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"top {top} by {detector.Name} score");
            table.AddColumn(encoder is not null ? "line" : "sequence");
            table.AddColumn(new TableColumn("score").RightAligned());
            table.AddColumn("flagged");
            if (explains is not null)
            {
                table.AddColumn("strongest columns (share of the score)");
            }

            foreach (var i in TopIndices.Of(scores, top))
            {
                string[] cells = [Markup.Escape(ids[i]), scores[i].ToString("G5", CultureInfo.InvariantCulture), scores[i] > threshold ? "[red]yes[/]" : "no"];
                table.AddRow(explains is null ? cells : [.. cells, Markup.Escape(strongest[i])]);
            }

            console.Write(table);
        }

        return 0;

        void Collect(SequenceSet set, float[] values)
        {
            scores.AddRange(values);
            ids.AddRange(set.Sequences.Select(s => s.Id));
            labelled = set.Labels is not null;
            labels.AddRange(set.Labels?.Select(l => l.IsAnomaly) ?? []);
        }
    }


    /// <summary>
    /// A note when far more is flagged than the rule leaves above its threshold on normal data (the quantile rule about
    /// 1 %, POT about 0.1 %): 10 % or more of at least 100 rows. Then the data have moved away from what the model learnt,
    /// and the flags mean "unlike the training data" more than "anomalous"; a user should know that before trusting them.
    /// </summary>
    /// <param name="flagged">Rows (steps, sequences, records) flagged.</param>
    /// <param name="total">Rows scored.</param>
    /// <param name="rule">The rule flagged by; none is given for surprise or a number of the user's.</param>
    /// <param name="unit">What a row is, in the plural.</param>
    internal static string? FlagRateNote(long flagged, long total, string rule, string unit)
    {
        if (total < 100 || flagged < 0.1 * total || !ThresholdRules.Names.Contains(rule))
        {
            return null;
        }

        var expected = rule switch
        {
            "quantile" => " (the quantile rule leaves about 1 % of the normal data it was fitted on above it)",
            "pot" => " (the pot rule leaves about 0.1 % of the normal data it was fitted on above it)",
            _ => "",
        };
        var remedies = unit == "time steps" ? "--flag-by surprise follows a drifting series, --threshold NUMBER sets your own threshold" : "--threshold NUMBER sets your own threshold";
        return string.Create(CultureInfo.InvariantCulture,
            $"note: {(double)flagged / total:P1} of the {unit} are above the threshold{expected}. These data differ from the training data (a drift, another regime, or many anomalies): {remedies}, vae-anomaly calibrate fits the thresholds anew on recent normal data, and a model trained on it moves them too.");
    }
}
