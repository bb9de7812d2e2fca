using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Training;

namespace VaeAnomaly.Cli.Console;

/// <summary>Shows training progress: a live bar on an interactive terminal, one line per epoch otherwise.</summary>
internal static class EpochReporter
{
    public static T Run<T>(IAnsiConsole console, int epochs, Func<IProgress<EpochReport>, T> train)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return train(new ActionProgress<EpochReport>(r => console.WriteLine(Describe(r))));
        }

        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: epochs);
                var result = train(new ActionProgress<EpochReport>(r =>
                {
                    task.Description = Markup.Escape(Describe(r));
                    task.Value = r.Epoch;
                }));
                task.Value = task.MaxValue;
                return result;
            });
    }

    public static string Describe(EpochReport r) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {r.Epoch,3}/{r.Epochs} | train rec {r.TrainReconstruction,7:F1} kl {r.TrainKl,4:F1} | val rec {r.ValidationReconstruction,7:F1} kl {r.ValidationKl,4:F1} | {r.Seconds,4:F1} s{(r.IsBest ? " best" : "")}");
}
