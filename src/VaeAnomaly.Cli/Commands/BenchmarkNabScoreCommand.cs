using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly benchmark nab-score</c>: the NAB score of a results folder in NAB's layout, from any detector.</summary>
internal static class BenchmarkNabScoreCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var results = new Option<string>("--results") { Description = "A detector's results folder: DETECTOR/<category>/DETECTOR_<file>.csv (timestamp,value,anomaly_score,label).", Required = true };
        var command = new Command("nab-score", "Score a NAB results folder (ours or any detector's) with NAB's rules: standard, reward-low-FP and reward-low-FN profiles.") { results };
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, _ =>
        {
            var files = NabBenchmark.ReadResults(r.GetValue(results)!);
            var table = new Table().Border(TableBorder.Rounded).Title($"NAB score of {Markup.Escape(Path.GetFileName(Path.TrimEndingDirectorySeparator(r.GetValue(results)!)))}, {files.Count} files");
            foreach (var column in new[] { "profile", "score", "threshold", "windows detected", "false positives" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var profile in NabProfile.All)
            {
                var score = NabScorer.Score([.. files.Select(f => f.Input)], profile);
                table.AddRow(profile.Name, score.Shown, score.Threshold.ToString("G4", CultureInfo.InvariantCulture),
                    $"{score.Detected} / {score.Windows}", $"{score.FalsePositives}");
            }

            console.Write(table);
            return 0;
        }, ct));
        return command;
    }
}
