using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// <c>vae-anomaly calibrate</c>: fits a bundle's thresholds anew on other normal data (a deployment's recent rows), the
/// model as trained, and writes the result as a new bundle; the bundle given is not changed.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var bundle = SharedOptions.Bundle();
        var data = SharedOptions.DataFiles("Normal data the model is to judge, every row or record of it taken as normal: a series (CSV or .parquet) for a model of series, or several (--data a.csv b.csv, each scored on its own), sequences for a model of sequences, records for a records bundle.");
        var outDir = new Option<string>("--out") { Description = "Folder for the calibrated bundle: the same model with thresholds fitted on --data.", Required = true };
        var threshold = new Option<string>("--threshold") { Description = $"The rule the new bundle flags by: {string.Join(", ", ThresholdRules.Names)} [default: the bundle's]; every rule is fitted." };
        threshold.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } given && !ThresholdRules.Names.Contains(given))
            {
                result.AddError($"--threshold is '{Messages.Cut(given)}'; calibrate fits a rule: {string.Join(", ", ThresholdRules.Names)} (a number of your own is given at score, --threshold NUMBER).");
            }
        });
        var force = SharedOptions.ForceFolder();
        var series = new SeriesOptionSet();
        var command = new Command("calibrate", "Fit a bundle's thresholds anew on recent normal data, the model unchanged, where it flags too much or too little of later normal operation; writes a new bundle.") { bundle, data, outDir, threshold, force };
        command.Options.Add(series.TimeColumn);
        command.Options.Add(series.Columns);
        command.Options.Add(series.LabelColumn);
        command.Options.Add(series.Delimiter);
        command.Options.Add(series.Missing);
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var (folder, paths, destination) = (r.GetValue(bundle)!, r.GetValue(data)!, r.GetValue(outDir)!);
            var path = paths.Length == 1 ? paths[0] : string.Join(", ", paths);
            StagedDirectory.EnsureWritable(destination, r.GetValue(force), [folder, .. paths]);
            using var model = DetectorRegistry.Load(folder);
            if (model is not IRecalibrates)
            {
                throw new ArgumentException($"A {model.Name} bundle's thresholds cannot be fitted anew on other data; train it on that data instead.");
            }

            var (normal, pointScores) = Read(console, r, series, paths, model, token);
            var rule = r.GetValue(threshold) ?? model.Thresholds.Rule;
            ThresholdSet before;
            IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> scores;
            try
            {
                (before, scores) = Calibration.Apply(model, normal, rule, path, token);
            }
            catch (ArgumentException e)
            {
                // Data the model cannot score (a series shorter than its window, sequences of other lengths): say which file.
                throw new DataFormatException(path, null, null, $"the {model.Name} cannot be calibrated on it: {Messages.Of(e)}");
            }

            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force), [folder, .. paths]))
            {
                model.Save(staged.Staging);
                staged.Commit(token);
            }

            var leftOut = ((IRecalibrates)model).LeftOutRows;
            if (leftOut > 0)
            {
                console.WriteLine($"Left out the first {leftOut:N0} rows of each file: the {model.Name} judges each row by the {leftOut:N0} rows before it, and starts from its training rows, which did not come before these.");
            }

            console.Write(TrainCommand.ThresholdTable(model.Thresholds, pointScores, $"thresholds fitted on {(paths.Length == 1 ? Path.GetFileName(path) : $"{paths.Length} files")}"));
            // What the rule in use flags of these data, before and after: rows of a series as score --point-score step
            // (the default) flags them, else the inputs by their one score.
            var set = pointScores ? "step" : model.Thresholds.Primary;
            IReadOnlyList<float> values = pointScores
                ? [.. normal.Sequences.SelectMany(one => ((IScoresPoints)model).ScorePoints(new SequenceSet(normal.ChannelNames, [one]), new PointScoreRequest(PointScoreMode.Step), ct: token).Scores.Skip(leftOut))]
                : scores.First(kv => kv.Key == set).Value;
            string Share(double t)
            {
                var above = values.Count(v => v > t);
                return string.Create(CultureInfo.InvariantCulture, $"{above:N0} ({100.0 * above / values.Count:0.0}%)");
            }

            var (old, now) = (before.ValueOrNaN(set, rule), model.Thresholds.ValueOrNaN(set, rule));
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Of these {values.Count:N0} {(pointScores ? "rows" : normal.Count == 1 ? "input" : "inputs")}, the bundle's {rule} threshold of the {ThresholdRules.ScoreName(set)}, {old:G5}, flagged {(double.IsNaN(old) ? "none: it was not fitted" : Share(old))}; the new one, {now:G5}, flags {(double.IsNaN(now) ? "none: it could not be fitted" : Share(now))}."));
            console.MarkupLineInterpolated($"Saved the calibrated {model.Name} bundle to [bold]{Path.GetFullPath(destination)}[/]; {folder} is unchanged.");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// The normal data in the form the model reads, and whether it is series scored per row: records for a records bundle,
    /// series files (one or several, each a sequence of its own, as train reads several) for a model that scores points,
    /// or one file of sequences.
    /// </summary>
    private static (SequenceSet Normal, bool PointScores) Read(IAnsiConsole console, ParseResult r, SeriesOptionSet series, string[] paths, IFittedDetector model, CancellationToken ct)
    {
        var encoder = (model as IReadsRecords)?.Encoder;
        if (paths.Length > 1)
        {
            DataPaths.RequireSeriesFiles(paths, "series files, for a model that scores the rows of a series",
                encoder is not null || model is not IScoresPoints ? $"a {model.Name} bundle of {(encoder is null ? "sequences" : "records")} reads one file" : null);
        }

        var other = paths.FirstOrDefault(p => !DataPaths.IsSeries(p));

        if (encoder is not null)
        {
            return (Normal(console, RecordsInput.ReadFor(console, r, series, paths[0], encoder, ct), paths[0], "records"), false);
        }

        if (other is not null)
        {
            return (Normal(console, DataPaths.ReadSequences(paths[0], null, r.GetValue(series.Missing)), paths[0], "sequences"), false);
        }

        if (model is not IScoresPoints)
        {
            throw RecordsInput.SeriesRefusal(model, "calibrate");
        }

        if (r.GetValue(series.LabelColumn) is not null)
        {
            throw new ArgumentException("--label-column: calibrate takes series of normal rows, all of them; leaving out the labelled rows would join the rows around them. Give stretches of the series without anomalies.");
        }

        return (new SequenceSet(model.Channels, [.. paths.Select(p => new Sequence(p, series.ReadFor(console, r, p, model, ct).Values))]), true);
    }

    /// <summary>The inputs labelled normal, where the data carry labels; all of them otherwise.</summary>
    private static SequenceSet Normal(IAnsiConsole console, SequenceSet set, string path, string what)
    {
        if (set.Labels is not { } labels || !labels.Any(l => l.IsAnomaly))
        {
            return set;
        }

        var normal = Enumerable.Range(0, set.Count).Where(i => !labels[i].IsAnomaly).ToArray();
        if (normal.Length == 0)
        {
            throw new DataFormatException(path, null, null, $"labels every one of its {set.Count:N0} {what} anomalous; calibrate fits thresholds on normal ones");
        }

        console.WriteLine($"Left out the {set.Count - normal.Length:N0} {what} labelled anomalous; the thresholds are fitted on the {normal.Length:N0} labelled normal.");
        return set.Subset(normal);
    }
}
