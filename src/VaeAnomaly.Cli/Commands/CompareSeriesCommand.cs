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
        var train = new Option<string>("--train") { Description = "A series of normal behaviour (CSV, .gz or .parquet): each model trains on it, its last 20% validating (early stopping and the label-free thresholds).", Required = true };
        var test = new Option<string>("--test") { Description = "A later series with a 0/1 label column (--label-column) and the same value columns: each model scores every row from the rows before it and is measured against the labels.", Required = true };
        var pairOptions = new SeriesPairOptionSet(BenchmarkSeriesCommand.DefaultModels, "compare-series");
        var command = new Command("series", "Train each model on a normal series and measure it on a labelled one: AUC-PR, F1 at its label-free threshold, events found and false, beside a random score.") { train, test };
        pairOptions.AddTo(command);
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var (trainPath, testPath, destination) = (r.GetValue(train)!, r.GetValue(test)!, r.GetValue(pairOptions.Out)!);
            if (Path.GetFullPath(trainPath) == Path.GetFullPath(testPath))
            {
                throw new ArgumentException($"--train and --test both name {trainPath}; a model measured on the rows it learnt from says nothing: give a later, labelled stretch as --test.");
            }

            StagedDirectory.EnsureWritable(destination, r.GetValue(pairOptions.Force), trainPath, testPath);
            var (names, options) = pairOptions.Parse(r);
            var pair = SeriesBenchmark.ReadPair(Path.GetFileName(testPath), trainPath, testPath, options, "label a normal stretch 0, or give a test series that has one");
            return BenchmarkSeriesCommand.RunPairs(console, [pair], names, options, (destination, r.GetValue(pairOptions.Force)), trainPath, token);
        }, ct));
        return command;
    }
}
