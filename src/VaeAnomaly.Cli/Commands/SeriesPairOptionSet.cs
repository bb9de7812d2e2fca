using System.CommandLine;
using VaeAnomaly.Study;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// The options of the commands that train models on labelled train/test series pairs and measure them side by side
/// (<c>benchmark series</c> on a folder of pairs, <c>compare series</c> on one pair of the user's): which models, what they
/// watch and how they read and train, and where the results go.
/// </summary>
/// <param name="defaultModels">The models run when none are named, comma-separated.</param>
/// <param name="defaultOut">The results folder when none is named.</param>
internal sealed class SeriesPairOptionSet(string defaultModels, string defaultOut)
{
    /// <summary>The models, comma-separated registry names.</summary>
    public Option<string> Models { get; } = SharedOptions.NameList("--models", $"Models to run, comma-separated registry names (optionally with a version: \"conv-ae v2\") [default: {defaultModels}].");

    /// <summary>The watched columns.</summary>
    public Option<string> Targets { get; } = SharedOptions.NameList("--target-columns", "Columns to watch: the scores measure these while every column stays an input [default: all].");

    /// <summary>The test files' label column.</summary>
    public Option<string> Label { get; } = new("--label-column") { Description = "The test files' 0/1 label column.", DefaultValueFactory = _ => "anomaly" };

    /// <summary>The time column.</summary>
    public Option<string> Time { get; } = new("--time-column") { Description = "The time column (default: detected: t, timestamp, datetime, time, date)." };

    /// <summary>The results folder.</summary>
    public Option<string> Out { get; } = new("--out") { Description = "Folder for summary.json and files.csv.", DefaultValueFactory = _ => defaultOut };

    /// <summary>The models' seed.</summary>
    public Option<int> Seed { get; } = SharedOptions.Seed("Seed of every model.", 42);

    /// <summary>The most epochs of the models that train.</summary>
    public Option<int> Epochs { get; } = new Option<int>("--epochs") { Description = "Largest number of epochs of the models that train (default: each model's own)." }.Positive();

    /// <summary>Whether an earlier results folder of the tool may be replaced.</summary>
    public Option<bool> Force { get; } = SharedOptions.ForceFolder();

    /// <summary>What gaps in the files are.</summary>
    public Option<Data.MissingValues> Missing { get; } = SeriesOptionSet.CreateMissing();

    /// <summary>The value columns.</summary>
    public Option<string> Columns { get; } = SharedOptions.NameList("--columns", "Value columns of both files of every pair, comma-separated, by name (default: all but the time and label columns).");

    /// <summary>The window of the models that take one.</summary>
    public Option<string> Window { get; } = SharedOptions.Window("Window of the models that take one: a number of rows, or auto: each pair's own period (the lag of the highest local maximum of the watched columns' autocorrelation in the train file, 8-256 rows; 32 when there is none) [default: each model's own, 32].");

    /// <summary>Whether each pair streams through a detector that keeps learning.</summary>
    public Option<string> Online { get; } = SharedOptions.Choice("--online", "on: stream each pair, its train rows then its test rows, through a detector that keeps learning (as score --follow --online on does with a bundle trained on the train file): each test row scored by its surprise and flagged above 0.5; the fitted rules do not apply. off (default): the model as trained.", "off", "on", "off");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Models, Targets, Label, Time, Out, Seed, Epochs, Force, Window, Missing, Columns, Online })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The models, each checked to be one that scores points and to take the window given, and how to read and train.</summary>
    /// <exception cref="ArgumentException">A model that does not score points, or a window it cannot read.</exception>
    public (IReadOnlyList<string> Names, SeriesBenchmarkOptions Options) Parse(ParseResult r)
    {
        var names = SharedOptions.Names(r, Models) ?? defaultModels.Split(',');
        foreach (var name in names)
        {
            BenchmarkModelOption.Check(name);
            if (ModelOptionSet.Given(r, Window) && SharedOptions.WindowOf(r.GetValue(Window)) is > 0 and var rows && Detectors.DetectorRegistry.Find(name.Split(' ')[0]) is { WindowMultiple: > 1 } entry && rows % entry.WindowMultiple != 0)
            {
                throw new ArgumentException($"--window {rows}: {entry.Name} reads windows that are a multiple of {entry.WindowMultiple} rows; give one (auto rounds its period up to one).");
            }
        }

        return (names, new SeriesBenchmarkOptions(r.GetValue(Label)!, r.GetValue(Time), SharedOptions.Names(r, Targets), r.GetValue(Seed),
            ModelOptionSet.Given(r, Epochs) ? r.GetValue(Epochs) : null, ModelOptionSet.Given(r, Window) ? SharedOptions.WindowOf(r.GetValue(Window)) : null, 0, r.GetValue(Missing), SharedOptions.Names(r, Columns), r.GetValue(Online) == "on"));
    }
}
