using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using VaeAnomaly.Cli.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly train</c>: fits a detector on a folder's train/val splits and writes a bundle.</summary>
internal static class TrainCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "Folder in the synthetic-v1 layout (train.csv and val.csv, normal data), or a time-series CSV split with --split.", Required = true };
        var modelName = new Option<string>("--model") { Description = "Model to train: gru-vae, or a baseline (dense-ae, dense-vae, lstm-ae, conv-ae).", DefaultValueFactory = _ => GruVaeDetector.ModelName };
        modelName.AcceptOnlyFromAmong([GruVaeDetector.ModelName, .. BaselineTraining.Models]);
        var variant = new Option<string>("--variant") { Description = "Baselines: v1 plain (default), v2 with dropout 0.2 and L2 1e-4, v3 wider (as in 'compare')." };
        variant.AcceptOnlyFromAmong("v1", "v2", "v3");
        var records = new Option<bool>("--records") { Description = "--data is a CSV of records (a header, numeric and text columns, optional --label-column): one-hot and z-scored, for dense-ae or dense-vae." };

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

        command.SetAction((r, ct) => CommandRunner.RunAsync(console, token =>
        {
            var clock = Stopwatch.StartNew();
            var destination = r.GetValue(outDir)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(force), r.GetValue(data), r.GetValue(checkpointDir));
            if (r.GetValue(modelName) != GruVaeDetector.ModelName || r.GetValue(records))
            {
                if (ModelOptionSet.Given(r, resume) || ModelOptionSet.Given(r, checkpointDir))
                {
                    throw new ArgumentException("Checkpoints (--resume, --checkpoint) are kept for gru-vae; the baselines train in minutes and start over.");
                }

                var baseline = BaselineTraining.Create(r, model, r.GetValue(modelName)!, r.GetValue(variant), r.GetValue(records), r.GetValue(seed), ThresholdRules.Create(r.GetValue(threshold)!));
                return TrainBaseline(console, r, series, baseline, (r.GetValue(data)!, r.GetValue(seed), r.GetValue(records)), destination, r.GetValue(force), clock, token);
            }

            var checkpoint = new TrainingCheckpoint(r.GetValue(checkpointDir) ?? Path.TrimEndingDirectorySeparator(destination) + ".checkpoint", r.GetValue(resume));
            StagedDirectory.EnsureOutside(checkpoint.Directory, r.GetValue(data)!);
            CheckCheckpoint(checkpoint, r.GetValue(force));
            var path = r.GetValue(data)!;
            var runSeed = r.GetValue(seed);
            var configuration = model.Resolve(r, runSeed);
            if (DataPaths.IsSeries(path) && configuration.Model.Window == 0)
            {
                throw new ArgumentException("A time series is one long sequence: train it with windows (--window W, or the default configuration).");
            }

            var (train, validation) = DataPaths.ReadTraining(path, () =>
            {
                var read = series.ReadForTraining(r, path);
                if (read.FilledValues > 0 || read.DroppedRows > 0)
                {
                    console.MarkupLineInterpolated($"Missing values: {read.FilledValues} filled, {read.DroppedRows} rows dropped.");
                }

                return read;
            }, series.Fractions(r), r.GetValue(series.Missing));
            if (DataPaths.DescribeGaps(train, validation) is { } gaps)
            {
                console.WriteLine(gaps);
            }

            console.WriteLine(DataPaths.IsSeries(path)
                ? $"Read a series of {train.TotalSteps} training and {validation.TotalSteps} validation rows (split {r.GetValue(series.Split)}{(r.GetValue(series.TrainRows) > 0 ? $" of the first {r.GetValue(series.TrainRows)} rows" : "")}), {train.Channels} channels ({string.Join(", ", train.ChannelNames)})."
                : $"Read {train.Count} training and {validation.Count} validation sequences, {train.Channels} channels ({string.Join(", ", train.ChannelNames)}).");
            var trainer = configuration.Training;
            using var detector = new GruVaeDetector(configuration.Model, trainer, configuration.Scoring, ThresholdRules.Create(r.GetValue(threshold)!));
            detector.Checkpoint = checkpoint;
            if (checkpoint.Resume)
            {
                console.MarkupLineInterpolated($"Resuming after epoch {checkpoint.EpochsDone()} from [bold]{checkpoint.FilePath}[/].");
            }

            try
            {
                EpochReporter.Run(console, trainer.Epochs, progress =>
                {
                    detector.Fit(train, validation, progress, token);
                    return 0;
                });

                using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
                {
                    detector.Save(staged.Staging);
                    staged.Commit();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && !checkpoint.Resume)
            {
                // A fresh run that failed (diverged, disk full, bad data found late) leaves nothing behind; Ctrl+C keeps
                // the checkpoint so --resume can continue, and a resumed run keeps the checkpoint it started from.
                checkpoint.Delete();
                throw;
            }

            checkpoint.Delete();

            // A series validates on one sequence: its per-sequence thresholds mean nothing; show what flags its points.
            console.Write(ThresholdTable(DataPaths.IsSeries(path)
                ? [("step error (--point-score step)", detector.PointThresholds), .. detector.WindowScoring is { } w ? [("window combined (last, mean, max)", w.Thresholds[ScoreKind.Combined.Name()])] : Array.Empty<(string, IReadOnlyDictionary<string, double>)>()]
                : detector.Thresholds.Select(kv => (kv.Key.Name(), kv.Value))));
            WriteNotes(console, detector);
            console.MarkupLineInterpolated($"Saved the bundle to [bold]{Path.GetFullPath(destination)}[/] ({detector.History.Count} epochs, {clock.Elapsed.TotalSeconds:F1} s).");
            return 0;
        }, ct));
        return command;
    }


    /// <summary>Trains a baseline on records, sequences or a series and saves its bundle.</summary>
    private static int TrainBaseline(IAnsiConsole console, ParseResult r, SeriesOptionSet series, DetectorBase detector, (string Path, int Seed, bool Records) input, string destination, bool force, Stopwatch clock, CancellationToken token)
    {
        using var owned = detector;
        var (path, seed, records) = input;
        SequenceSet train, validation;
        if (records)
        {
            (train, validation, var encoder) = BaselineTraining.ReadRecords(console, r, series, path, seed);
            ((DenseDetector)detector).Encoder = encoder;
        }
        else
        {
            (train, validation) = DataPaths.ReadTraining(path, () => series.ReadForTraining(r, path), series.Fractions(r), r.GetValue(series.Missing));
            if (DataPaths.DescribeGaps(train, validation) is { } gaps)
            {
                console.WriteLine(gaps);
            }

            console.WriteLine($"Read {train.Count} training and {validation.Count} validation sequences, {train.Channels} channels ({string.Join(", ", train.ChannelNames)}).");
        }

        var epochs = detector switch
        {
            DenseDetector d => d.Options.Epochs,
            WindowAutoencoderDetector w => w.Options.Epochs,
            _ => 1,
        };
        EpochReporter.Run(console, epochs, progress =>
        {
            detector.Fit(train, validation, progress, token);
            return 0;
        });

        using (var staged = StagedDirectory.Begin(destination, force))
        {
            detector.Save(staged.Staging);
            staged.Commit();
        }

        console.Write(ThresholdTable(!records && DataPaths.IsSeries(path) && detector is WindowAutoencoderDetector { StepThresholds: { } step, WindowThresholds: { } window }
            ? [("step error (--point-score step)", step), ("window score (last, mean, max)", window)]
            : [("score", detector.SequenceThresholds)]));
        WriteNotes(console, detector);
        console.MarkupLineInterpolated($"Saved the {detector.Name} bundle to [bold]{Path.GetFullPath(destination)}[/] ({detector.History.Count} epochs, {clock.Elapsed.TotalSeconds:F1} s).");
        return 0;
    }

    /// <summary>Says which rules could not be fitted and why; the bundle stores them as absent, and asking for one is refused.</summary>
    private static void WriteNotes(IAnsiConsole console, DetectorBase detector)
    {
        foreach (var (key, note) in detector.ThresholdNotes)
        {
            var (set, rule) = (key[..key.LastIndexOf('/')], key[(key.LastIndexOf('/') + 1)..]);
            console.MarkupLineInterpolated($"[yellow]Not fitted:[/] the {rule} threshold of the {ThresholdRules.ScoreName(set)} ({note}); the bundle stores none, and --threshold {rule} is refused where it would be used.");
        }
    }

    /// <summary>The thresholds every rule fits on the validation scores, one row per score.</summary>
    private static Table ThresholdTable(IEnumerable<(string Score, IReadOnlyDictionary<string, double> ByRule)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("thresholds fitted on validation scores");
        table.AddColumn("score");
        foreach (var rule in ThresholdRules.Names)
        {
            table.AddColumn(new TableColumn(rule).RightAligned());
        }

        foreach (var (score, byRule) in rows)
        {
            table.AddRow([score, .. ThresholdRules.Names.Select(n => byRule.TryGetValue(n, out var v) ? v.ToString("G5", System.Globalization.CultureInfo.InvariantCulture) : "not fitted")]);
        }

        return table;
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
