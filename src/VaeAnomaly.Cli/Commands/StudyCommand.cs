using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Cli.Console;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Models;
using VaeAnomaly.Reporting;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly study synthetic</c>: the GRU-VAE over seeds, betas and lambdas, as mean ± std tables.</summary>
internal static class StudyCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var defaults = new StudyOptions();
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds (1..N); each varies the data and the model.", DefaultValueFactory = _ => 5 }.Positive(1_000);
        var betas = ListOption("--beta", "KL weights to train with, comma-separated.", "1,3");
        var lambdas = ListOption("--lambda", "Combined-score KL weights, comma-separated (no retraining).", "0,0.25,0.5,1,2");
        var jobs = new Option<int>("--jobs") { Description = "Runs in parallel (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount }.Positive(256);
        var outDir = new Option<string>("--out") { Description = "Folder for study.md and study.json.", DefaultValueFactory = _ => "vae-anomaly-study" };
        var data = new Option<string>("--data") { Description = "A folder in the synthetic-v1 layout to use instead of generating data; seeds then vary only the model." };
        var force = SharedOptions.ForceFolder();
        var config = new Option<string>("--config") { Description = "Model configuration: default or seed.", DefaultValueFactory = _ => GruVaeConfiguration.Default.Name };
        config.AcceptOnlyFromAmong([.. GruVaeConfiguration.All.Select(c => c.Name)]);
        var epochs = new Option<int>("--epochs") { Description = "Override the configuration's epochs." }.Positive();
        var klWarmup = new Option<int>("--kl-warmup") { Description = "Epochs of linear KL warm-up." }.NonNegative();
        var window = new Option<int>("--window") { Description = "Override the configuration's window (0: whole sequences)." }.NonNegative(GruVaeOptions.MaxSize);
        var train = new Option<int>("--train") { Description = "Generated training sequences.", DefaultValueFactory = _ => defaults.Data.Train }.Positive();
        var val = new Option<int>("--val") { Description = "Generated validation sequences.", DefaultValueFactory = _ => defaults.Data.Validation }.Positive();
        var test = new Option<int>("--test") { Description = "Generated test sequences.", DefaultValueFactory = _ => defaults.Data.Test }.Positive();

        var synthetic = new Command("synthetic", "Train and score the GRU-VAE for every seed and beta on synthetic-v1; report mean ± std of every score.")
        {
            seeds, betas, lambdas, jobs, outDir, data, force, config, epochs, klWarmup, window, train, val, test,
        };
        synthetic.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var destination = r.GetValue(outDir)!;
            StagedDirectory.EnsureWritable(destination, r.GetValue(force));
            var c = GruVaeConfiguration.Named(r.GetValue(config)!);
            c = c with
            {
                Model = c.Model with { Window = ModelOptionSet.Given(r, window) ? r.GetValue(window) : c.Model.Window },
                Training = c.Training with
                {
                    Epochs = ModelOptionSet.Given(r, epochs) ? r.GetValue(epochs) : c.Training.Epochs,
                    KlWarmupEpochs = ModelOptionSet.Given(r, klWarmup) ? r.GetValue(klWarmup) : c.Training.KlWarmupEpochs,
                },
            };
            var options = new StudyOptions
            {
                Seeds = Enumerable.Range(1, r.GetValue(seeds)).ToArray(),
                Betas = Parse(r.GetValue(betas)!),
                Lambdas = Parse(r.GetValue(lambdas)!),
                Jobs = r.GetValue(jobs),
                Configuration = c,
                DataDirectory = r.GetValue(data),
                Data = defaults.Data with { Train = r.GetValue(train), Validation = r.GetValue(val), Test = r.GetValue(test) },
            };
            var total = options.Seeds.Count * options.Betas.Count;
            console.MarkupLineInterpolated($"Study: configuration {c.Name}, {options.Seeds.Count} seeds x betas {string.Join(", ", options.Betas)} = {total} runs, {options.Jobs} at a time.");
            var done = 0;
            var runs = SyntheticStudy.Run(options, new ActionProgress<StudyRun>(run =>
            {
                var n = Interlocked.Increment(ref done);
                var best = run.Scores.MaxBy(kv => kv.Value.AucPr);
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"run {n}/{total}: seed {run.Seed}, beta {run.Beta}: reconstruction AUC-PR {run.Scores["reconstruction"].AucPr:F3}, best {best.Key} {best.Value.AucPr:F3}; {run.Epochs} epochs, {run.Seconds:F0} s");
            }), token);

            var markdown = StudyReport.Markdown(options, runs);
            using (var staged = StagedDirectory.Begin(destination, r.GetValue(force)))
            {
                File.WriteAllText(staged.PathOf("study.md"), markdown);
                File.WriteAllText(staged.PathOf("study.json"), StudyReport.Json(options, runs));
                foreach (var run in runs)
                {
                    LatentPlot.Save(run.TestLatentMeans, run.TestTypes, staged.PathOf(string.Create(CultureInfo.InvariantCulture, $"latent-seed{run.Seed}-beta{run.Beta}.png")));
                }

                staged.Commit(token);
            }

            console.WriteLine(markdown);
            console.MarkupLineInterpolated($"Wrote study.md, study.json and a latent-space plot per run to [bold]{Path.GetFullPath(destination)}[/].");
            return 0;
        }, ct));

        var study = new Command("study", "Seed studies of the GRU-VAE.");
        study.Subcommands.Add(synthetic);
        return study;
    }

    private static Option<string> ListOption(string name, string description, string defaults)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaults };
        option.Validators.Add(result =>
        {
            try
            {
                Parse(result.GetValueOrDefault<string>()!);
            }
            catch (FormatException)
            {
                result.AddError($"{name} takes non-negative numbers separated by commas, got '{result.GetValueOrDefault<string>()}'.");
            }
        });
        return option;
    }

    private static double[] Parse(string list)
    {
        var values = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        return values.Length > 0 && values.All(v => v >= 0 && double.IsFinite(v)) ? values : throw new FormatException();
    }
}
