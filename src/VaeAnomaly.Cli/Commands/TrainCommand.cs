using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using VaeAnomaly.Cli.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly train</c>: fits a detector on a folder's train/val splits and writes a bundle.</summary>
internal static class TrainCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = SharedOptions.DataFiles("Folder in the synthetic-v1 layout (train.csv and val.csv, normal data), or a time series (CSV or .parquet) split with --split; several series files (--data a.csv b.csv, or days/*.csv) train one model, each file split on its own, no window spanning two files.");
        var modelName = new Option<string>("--model") { Description = $"Model to train: {string.Join(", ", DetectorRegistry.Names)}.", DefaultValueFactory = _ => DetectorRegistry.DefaultModel };
        modelName.AcceptOnlyFromAmong([.. DetectorRegistry.Names]);
        var variant = new Option<string>("--variant") { Description = "Baselines: v1 plain (default), v2 with dropout 0.2 and L2 1e-4, v3 wider (as in 'compare')." };
        variant.AcceptOnlyFromAmong("v1", "v2", "v3");
        var records = new Option<bool>("--records") { Description = $"--data is a CSV of records (a header, numeric and text columns, optional --label-column): one-hot and z-scored, for {string.Join(", ", DetectorRegistry.All.Where(e => e.Settings.Contains("records")).Select(e => e.Name))}." };

        var outDir = new Option<string>("--out") { Description = "Bundle folder to write (model.json, model.weights, history.csv).", Required = true };
        var seed = SharedOptions.Seed("Seed of weights, batch order and sampling.", 42);
        var force = new Option<bool>("--force") { Description = "Replace an existing bundle, and start over even if an interrupted run left a checkpoint." };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run from its checkpoint (same command, same data)." };
        var checkpointDir = new Option<string?>("--checkpoint") { Description = "Folder for the checkpoint saved after every epoch [default: OUT.checkpoint beside the bundle]; removed when the bundle is saved." };
        var threshold = ThresholdOption.Create();
        var model = new ModelOptionSet();
        var series = new SeriesOptionSet();
        var command = new Command("train", "Train a detector on normal data and save it as a bundle.") { data, modelName, variant, records, outDir, seed, force, resume, checkpointDir, threshold };
        model.AddTo(command);
        series.AddTo(command, withSplit: true);

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var clock = Stopwatch.StartNew();
            var destination = r.GetValue(outDir)!;
            var (paths, name, isRecords, runSeed) = (r.GetValue(data)!, r.GetValue(modelName)!, r.GetValue(records), r.GetValue(seed));
            var path = paths[0];
            var isSeries = !isRecords && DataPaths.IsSeries(path);
            if (paths.Length > 1)
            {
                DataPaths.RequireSeriesFiles(paths, "time series files that one model learns from", isRecords ? "--records reads one file" : null);
            }

            var source = paths.Length == 1 ? path : string.Join(", ", paths);
            StagedDirectory.EnsureWritable(destination, r.GetValue(force), [.. paths, r.GetValue(checkpointDir)]);
            var entry = DetectorRegistry.Find(name);
            var settings = model.Settings(r, name, runSeed, variant) with { Threshold = r.GetValue(threshold)! };
            if (isRecords && !entry.Settings.Contains("records"))
            {
                throw new ArgumentException("--" + DetectorRegistry.Refusal(entry, "records"));
            }

            TrainingCheckpoint? checkpoint = null;
            if (entry.Settings.Contains("checkpoint"))
            {
                checkpoint = new TrainingCheckpoint(r.GetValue(checkpointDir) ?? Path.TrimEndingDirectorySeparator(destination) + ".checkpoint", r.GetValue(resume));
                foreach (var input in paths)
                {
                    StagedDirectory.EnsureOutside(checkpoint.Directory, input);
                }

                CheckCheckpoint(checkpoint, r.GetValue(force));
            }
            else if (ModelOptionSet.Given(r, resume) || ModelOptionSet.Given(r, checkpointDir))
            {
                var keepers = DetectorRegistry.All.Where(e => e.Settings.Contains("checkpoint")).Select(e => e.Name);
                throw new ArgumentException($"Checkpoints (--resume, --checkpoint) are kept for {string.Join(", ", keepers)}; {name} trains in minutes and starts over.");
            }

            SequenceSet train, validation;
            if (isRecords)
            {
                (train, validation, var encoder) = RecordsInput.ReadRecords(console, r, series, path, runSeed, token);
                settings = settings with { Records = encoder };
            }
            else
            {
                (train, validation) = paths.Length > 1
                    ? DataPaths.ReadTrainingSeries(paths, p => series.ReadForTraining(console, r, p, token), series.Fractions(r))
                    : DataPaths.ReadTraining(path, () => series.ReadForTraining(console, r, path, token), series.Fractions(r), r.GetValue(series.Missing));
                if (DataPaths.DescribeGaps(train, validation) is { } gaps)
                {
                    console.WriteLine(gaps);
                }

                if (!isSeries)
                {
                    SeriesOptionSet.NoteRounding(console, train.Rounded, train.Source ?? path); // a series' notes come with its reading
                }

                console.WriteLine(paths.Length > 1
                    ? $"Read {paths.Length} series files: {train.TotalSteps} training and {validation.TotalSteps} validation rows (each file split {r.GetValue(series.Split)}{(r.GetValue(series.TrainRows) > 0 ? $" of its first {r.GetValue(series.TrainRows)} rows" : "")}), {Channels(train)}."
                    : isSeries
                    ? $"Read a series of {train.TotalSteps} training and {validation.TotalSteps} validation rows (split {r.GetValue(series.Split)}{(r.GetValue(series.TrainRows) > 0 ? $" of the first {r.GetValue(series.TrainRows)} rows" : "")}), {Channels(train)}."
                    : $"Read {train.Count} training and {validation.Count} validation sequences, {Channels(train)}.");

                if (entry.ScalesByTrainingSpread)
                {
                    NoteConstant(console, source, train);
                }
            }

            if (checkpoint is not null)
            {
                settings = settings with { Checkpoint = checkpoint };
                if (checkpoint.Resume)
                {
                    console.MarkupLineInterpolated($"Resuming after epoch {checkpoint.EpochsDone()} from [bold]{checkpoint.FilePath}[/].");
                }
            }

            if (settings.TargetColumns?.FirstOrDefault(t => !train.ChannelNames.Contains(t)) is { } unknown)
            {
                throw new DataFormatException(path, 1, unknown, $"--target-columns names '{Messages.Cut(unknown)}', which is not among the data's columns [{Messages.List(train.ChannelNames)}]");
            }

            if (isSeries && settings.Window == 0)
            {
                throw new ArgumentException($"--window is 0; a time series is one long sequence, learnt in windows of at least 1 step: give --window W, or leave it out for the {name}'s default.");
            }

            var estimator = DetectorRegistry.Create(name, settings);
            IFittedDetector? fitted = null;
            try
            {
                EpochReporter.Run(console, estimator.Epochs, progress =>
                {
                    try
                    {
                        fitted = estimator.Fit(train, validation, progress, token);
                    }
                    catch (ArgumentException e) when (isSeries)
                    {
                        // A part of the series too short for the model's window: the message names the file it came from
                        // (of several, the part's name does).
                        throw new DataFormatException(source, null, null, $"the {name} cannot train on {(paths.Length > 1 ? "them" : "it")}: {IO.Messages.Of(e)}");
                    }

                    return 0;
                });

                using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
                {
                    fitted!.Save(staged.Staging);
                    staged.Commit(token);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && checkpoint is { Resume: false })
            {
                // A fresh run that failed (diverged, disk full, bad data found late) leaves nothing behind; Ctrl+C keeps
                // the checkpoint so --resume can continue, and a resumed run keeps the checkpoint it started from.
                fitted?.Dispose();
                checkpoint.Delete();
                throw;
            }
            catch
            {
                fitted?.Dispose();
                throw;
            }

            using var detector = fitted;
            checkpoint?.Delete();

            // A series validates on one sequence (one per file): its per-sequence thresholds mean little; show what flags its points.
            var pointScores = isSeries;
            console.Write(ThresholdTable(detector.Thresholds, pointScores));
            WriteNotes(console, detector, pointScores);
            if (detector is IComparesPeriods seasons)
            {
                console.WriteLine($"Each row is compared with the same point of the {seasons.Periods} periods before it: a period of {seasons.Period:N0} rows, {(ModelOptionSet.Given(r, model.Period) ? "as --period gave it" : "found in the training rows (--period sets it)")}.");
            }

            console.MarkupLineInterpolated($"Saved the {detector.Name} bundle to [bold]{Path.GetFullPath(destination)}[/] ({detector.History.Count} epochs, {clock.Elapsed.TotalSeconds:F1} s).");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// Says which rules could not be fitted and why, for the scores the table shows (a series' one validation sequence
    /// gives its per-sequence scores one value each, so their rules' notes would only repeat that); the bundle stores
    /// them as absent, and asking for one is refused.
    /// </summary>
    private static void WriteNotes(IAnsiConsole console, IFittedDetector detector, bool pointScores)
    {
        foreach (var (key, note) in detector.Thresholds.Notes)
        {
            var (set, rule) = (key[..key.LastIndexOf('/')], key[(key.LastIndexOf('/') + 1)..]);
            if (!IsShown(set, pointScores))
            {
                continue;
            }

            console.MarkupLineInterpolated($"[yellow]Not fitted:[/] the {rule} threshold of the {ThresholdRules.ScoreName(set)} ({note}); the bundle stores none, and --threshold {rule} is refused where it would be used.");
        }
    }

    /// <summary>
    /// The thresholds every rule fitted on the validation scores, one row per score: for a series the point scores
    /// (step errors, and window scores for last, mean and max), otherwise the sequence (or record) scores.
    /// </summary>
    internal static Table ThresholdTable(ThresholdSet thresholds, bool pointScores, string title = "thresholds fitted on validation scores")
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        table.AddColumn("score");
        foreach (var rule in ThresholdRules.Names)
        {
            table.AddColumn(new TableColumn(rule).RightAligned());
        }

        foreach (var (score, byRule) in thresholds.ByScore)
        {
            var label = score switch
            {
                "step" => "step error (--point-score step)",
                "window" or "window/combined" => $"{score.Replace('/', ' ')} score (last, mean, max)",
                _ => score,
            };
            if (IsShown(score, pointScores))
            {
                table.AddRow([label, .. ThresholdRules.Names.Select(n => byRule.TryGetValue(n, out var v) ? v.ToString("G5", System.Globalization.CultureInfo.InvariantCulture) : "not fitted")]);
            }
        }

        return table;
    }

    /// <summary>
    /// Notes the columns that hold one value in every training row (a stuck sensor, an unused command column): a scaler
    /// gives them a spread of 1 in their own units, so a later change counts by its size in those units.
    /// </summary>
    private static void NoteConstant(IAnsiConsole console, string path, SequenceSet train)
    {
        var constant = train.ConstantChannels();
        if (constant.Count == 0)
        {
            return;
        }

        string Value(float v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
        var one = constant.Count == 1;
        var which = one
            ? $"the column '{train.ChannelNames[constant[0].Channel]}' holds one value ({Value(constant[0].Value)})"
            : $"the columns [{IO.Messages.List([.. constant.Select(x => $"{train.ChannelNames[x.Channel]}={Value(x.Value)}")])}] each hold one value";
        var (them, their) = one ? ("it", "its") : ("them", "their");
        console.WriteLine($"Note: {path}: {which} in every training row; the model learns {them} as constant, scaled by 1 in {their} own units, so a later change counts by its size in those units (0.1 is hardly seen, 100 dominates). Leave {them} out with --columns if {(one ? "it carries" : "they carry")} nothing.");
    }

    /// <summary>"1 channel (v0)", "2 channels (v0, v1)": the columns learnt, counted and named (the first 10 of more).</summary>
    private static string Channels(SequenceSet set) =>
        $"{set.Channels:N0} channel{(set.Channels == 1 ? "" : "s")} ({string.Join(", ", set.ChannelNames.Take(10).Select(n => Messages.Cut(n)))}{(set.Channels > 10 ? ", ..." : "")})";

    /// <summary>Whether a score's thresholds are shown: a series' point scores (the step error and the combined window score), or every sequence (or record) score otherwise.</summary>
    internal static bool IsShown(string score, bool pointScores)
    {
        var isPoint = score == "step" || score == "window" || score.StartsWith("window/", StringComparison.Ordinal);
        return isPoint == pointScores && (!pointScores || score is "step" or "window" or "window/combined");
    }

    /// <summary>Refuses, before any work, to resume without a checkpoint or to start over on top of one without --force.</summary>
    private static void CheckCheckpoint(TrainingCheckpoint checkpoint, bool force)
    {
        if (checkpoint.Resume)
        {
            _ = checkpoint.EpochsDone();
        }
        else if (checkpoint.Exists && !force)
        {
            throw new IOException($"An interrupted run left a checkpoint after epoch {checkpoint.EpochsDone()} in '{checkpoint.Directory}'; pass --resume to continue it, or --force to start over.");
        }
        else if (checkpoint.Exists)
        {
            checkpoint.Delete();
        }
    }
}
