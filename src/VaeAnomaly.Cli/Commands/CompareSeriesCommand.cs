using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.IO;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// <c>vae-anomaly compare series</c>: the models side by side on the user's own series, a normal stretch to train on and a
/// labelled one to measure on, as <c>benchmark series</c> measures each pair of a folder: which model to trust on these data.
/// </summary>
internal static class CompareSeriesCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var train = new Option<string>("--train") { Description = "A series of normal behaviour (CSV, .gz or .parquet): each model trains on it, its last 20% validating (early stopping and the label-free thresholds)." };
        var test = new Option<string>("--test") { Description = "A later series with a 0/1 label column (--label-column) and the same value columns: each model scores every row from the rows before it and is measured against the labels." };
        var data = new Option<string>("--data") { Description = "Instead of --train and --test: one labelled series, whose first --train-rows rows (labelled normal) train and whose later rows are measured." };
        var trainRows = new Option<int>("--train-rows") { Description = "With --data: how many of its first rows train (the last 20% of them validating); the rows after them are the test." }.Positive();
        var pairOptions = new SeriesPairOptionSet(BenchmarkSeriesCommand.DefaultModels, "compare-series");
        var command = new Command("series", "Train each model on a normal series and measure it on a labelled one (or on the two parts of one labelled series): AUC-PR, F1 at its label-free threshold, events found and false, beside a random score.") { train, test, data, trainRows };
        pairOptions.AddTo(command);
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(pairOptions.Out)!;
            var (names, options) = pairOptions.Parse(r);
            SeriesPair pair;
            if (r.GetValue(data) is { } labelled)
            {
                if (r.GetValue(train) is not null || r.GetValue(test) is not null || !ModelOptionSet.Given(r, trainRows))
                {
                    throw new ArgumentException("--data names one labelled series, whose first --train-rows rows train and whose later rows are measured: give --train-rows N with it, and not --train or --test.");
                }

                StagedDirectory.EnsureWritable(destination, r.GetValue(pairOptions.Force), labelled);
                pair = Split(labelled, r.GetValue(trainRows), options, token);
            }
            else
            {
                var (trainPath, testPath) = (r.GetValue(train), r.GetValue(test));
                if (trainPath is null || testPath is null || ModelOptionSet.Given(r, trainRows))
                {
                    throw new ArgumentException("Give --train (a normal series) and --test (a later, labelled one), or --data (one labelled series) with --train-rows N (how many of its first rows train).");
                }

                if (Path.GetFullPath(trainPath) == Path.GetFullPath(testPath))
                {
                    throw new ArgumentException($"--train and --test both name {trainPath}; a model measured on the rows it learnt from says nothing: give a later, labelled stretch as --test, or the one file as --data with --train-rows N.");
                }

                StagedDirectory.EnsureWritable(destination, r.GetValue(pairOptions.Force), trainPath, testPath);
                pair = SeriesBenchmark.ReadPair(Path.GetFileName(testPath), trainPath, testPath, options, "label a normal stretch 0, or give a test series that has one");
            }

            return BenchmarkSeriesCommand.RunPairs(console, [pair], names, options, (destination, r.GetValue(pairOptions.Force)), pair.TrainPath, token);
        }, ct));
        return command;
    }

    /// <summary>
    /// One labelled series as a pair: its first <paramref name="rows"/> rows to train on, which must all be labelled normal
    /// (a model would learn a labelled anomaly as normal), and the rows after them to measure on.
    /// </summary>
    private static SeriesPair Split(string path, int rows, SeriesBenchmarkOptions options, CancellationToken ct)
    {
        var series = Data.SeriesCsvReader.Read(path, timeColumn: options.TimeColumn, columns: options.Columns, labelColumn: options.LabelColumn, missing: options.Missing, ct: ct);
        if (rows >= series.Length)
        {
            throw new Data.DataFormatException(path, null, null, $"has {series.Length} rows; --train-rows {rows} leaves none to measure: give fewer");
        }

        if (options.TargetColumns?.FirstOrDefault(t => !series.ChannelNames.Contains(t)) is { } unknown)
        {
            throw new Data.DataFormatException(path, 1, unknown, $"has no column '{Messages.Cut(unknown)}' named by --target-columns; its columns are [{Messages.List(series.ChannelNames)}]");
        }

        var firstAnomaly = series.Labels!.Take(rows).ToList().IndexOf(true);
        if (firstAnomaly >= 0)
        {
            throw new Data.DataFormatException(path, null, options.LabelColumn,
                $"labels its row {firstAnomaly + 1} (time {Messages.Cut(series.Timestamps[firstAnomaly])}) anomalous, within the first {rows} rows that train: a model would learn it as normal; give --train-rows {firstAnomaly} or fewer");
        }

        var test = series.Slice(rows, series.Length - rows);
        Data.LabelledRows.RequireNormal(test.Labels!, path, options.LabelColumn, "give fewer --train-rows, or a series with normal rows after them");
        return new SeriesPair(Path.GetFileName(path), path, path, series.Slice(0, rows) with { Labels = null }, test);
    }
}
