using System.CommandLine;
using System.Globalization;

namespace VaeAnomaly.Cli.Commands;

/// <summary>Options several commands share, declared once so their meaning and wording cannot drift apart.</summary>
internal static class SharedOptions
{
    /// <summary><c>--data</c> for the commands that read one input or several series files (<c>--data a.csv b.csv</c>, or a shell pattern).</summary>
    /// <param name="description">What the command reads.</param>
    public static Option<string[]> DataFiles(string description) => new("--data")
    {
        Description = description,
        Required = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary><c>--bundle</c> (alias <c>--model</c>, its earlier name) for the commands that read a trained bundle.</summary>
    public static Option<string> Bundle() =>
        new("--bundle", "--model") { Description = "Bundle folder written by 'train' (--model is the same option's earlier name).", Required = true };

    /// <summary><c>--seed</c>: every command that uses randomness takes it, and the same seed gives the same result.</summary>
    /// <param name="description">What the seed drives in this command.</param>
    /// <param name="defaultValue">The seed when none is given.</param>
    public static Option<int> Seed(string description, int defaultValue) =>
        new Option<int>("--seed") { Description = description, DefaultValueFactory = _ => defaultValue }.WholeNumber();

    /// <summary><c>--force</c> for a command that writes an output folder (the README says what it may replace).</summary>
    public static Option<bool> ForceFolder() =>
        new("--force") { Description = "Replace an earlier output folder of vae-anomaly that holds nothing else (never a folder of yours or an input)." };

    /// <summary>A comma-separated list of names (columns, models): refused at parse time when a name is empty or given twice.</summary>
    /// <param name="name">The option, e.g. <c>--columns</c>.</param>
    /// <param name="description">What the names are.</param>
    public static Option<string> NameList(string name, string description)
    {
        var option = new Option<string>(name) { Description = description };
        option.Validators.Add(result =>
        {
            var names = result.GetValueOrDefault<string>()?.Split(',', StringSplitOptions.TrimEntries) ?? [];
            if (names.Any(n => n.Length == 0))
            {
                result.AddError($"{name} takes names separated by commas; name {Array.FindIndex(names, n => n.Length == 0) + 1} of '{IO.Messages.Cut(result.GetValueOrDefault<string>()!)}' is empty.");
            }
            else if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                result.AddError($"{name} names '{IO.Messages.Cut(twice.Key)}' twice; name each once.");
            }
        });
        return option;
    }

    /// <summary>The names of a <see cref="NameList"/> option, or null when it was not given.</summary>
    /// <param name="r">The parsed command line.</param>
    /// <param name="option">The option.</param>
    public static IReadOnlyList<string>? Names(ParseResult r, Option<string> option) =>
        r.GetValue(option)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>An option taking one of <paramref name="allowed"/>, <paramref name="defaultValue"/> when not given.</summary>
    /// <param name="name">The option, e.g. <c>--online</c>.</param>
    /// <param name="description">What each value does.</param>
    /// <param name="defaultValue">One of <paramref name="allowed"/>.</param>
    /// <param name="allowed">The values accepted.</param>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] allowed)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary><c>--guard on|off</c>: whether online learning keeps flagged rows' scores out of the surprise history (<see cref="Streaming.OnlineOptions.Guard"/>).</summary>
    public static Option<string> Guard() => Choice(
        "--guard",
        "With online learning: on keeps a flagged row's score out of the history the surprise is judged against, so a long anomaly stays flagged instead of becoming normal, until a run of flags lasts longer than that history (the training length); off (default) lets every score in.",
        "off",
        "on",
        "off");

    /// <summary><c>--rest off|auto|ROWS</c>: rows not flagged after each alarm of a stream (<see cref="Streaming.AlarmRest"/>).</summary>
    /// <param name="defaultValue">The value when none is given.</param>
    /// <param name="what">What a resting row becomes in this command's output.</param>
    public static Option<string> Rest(string defaultValue, string what)
    {
        var option = new Option<string>("--rest")
        {
            Description = $"Rows not flagged after each alarm, so one event raises one alarm: off, auto (a fifth of the training length, CAD OSE's rest period) or a number of rows; {what} The scores, the learning and the surprise history go on as without it.",
            DefaultValueFactory = _ => defaultValue,
        };
        return ParsedBy(option, text => Streaming.AlarmRest.Parse(text));
    }

    /// <summary><c>--smooth off|ROWS</c>: the surprise judges the mean of each row's score and the ROWS - 1 before it (<see cref="Scoring.ScoreAverage"/>).</summary>
    /// <param name="defaultValue">The value when none is given.</param>
    public static Option<string> Smooth(string defaultValue)
    {
        var option = new Option<string>("--smooth")
        {
            Description = "With surprise flags: judge the mean of each row's score and the ones just before it, off or how many scores the mean takes (NAB's HTM likelihood averages 10), against the same means of the earlier rows; one noisy score then counts a tenth as much as a lasting change.",
            DefaultValueFactory = _ => defaultValue,
        };
        return ParsedBy(option, text => Scoring.ScoreAverage.Parse(text));
    }

    /// <summary><c>--window auto|ROWS</c> of a benchmark: a length in rows, or auto, each series' own (<see cref="Detectors.DetectorEntry.WindowOf"/>); read by <see cref="WindowOf"/>.</summary>
    /// <param name="description">What the window is, and what auto reads, for this command.</param>
    /// <param name="defaultValue">The value when none is given; null for none.</param>
    public static Option<string> Window(string description, string? defaultValue = null)
    {
        var option = new Option<string>("--window") { Description = description };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.Validators.Add(result =>
        {
            if (WindowOf(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError($"--window takes auto or a whole number of rows from 1 to {Models.GruVaeOptions.MaxSize}; got '{IO.Messages.Cut(result.GetValueOrDefault<string>() ?? "")}'.");
            }
        });
        return option;
    }

    /// <summary>The window <c>--window</c> names: 0 for auto, else its rows; null when it names neither.</summary>
    /// <param name="text">The option's value.</param>
    public static int? WindowOf(string? text) => text?.Trim() == "auto" ? 0
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows is >= 1 and <= Models.GruVaeOptions.MaxSize ? rows : null;

    /// <summary>Refuses a value <paramref name="parse"/> refuses, with its message, before the command runs.</summary>
    private static Option<string> ParsedBy<T>(Option<string> option, Func<string, T> parse)
    {
        option.Validators.Add(result =>
        {
            try
            {
                _ = parse(result.GetValueOrDefault<string>() ?? "");
            }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
            }
        });
        return option;
    }

    /// <summary>Whether <paramref name="guard"/> says on; refused when given while the model does not keep learning.</summary>
    /// <param name="r">The parsed command line.</param>
    /// <param name="guard">The option.</param>
    /// <param name="learns">Whether the command keeps learning.</param>
    public static bool Guarded(ParseResult r, Option<string> guard, bool learns)
    {
        if (r.GetValue(guard) != "on")
        {
            return false;
        }

        return learns || (ModelOptionSet.Given(r, guard)
            ? throw new ArgumentException("--guard on applies to online learning (--online on); without it each score is judged against all the recent scores.")
            : false);
    }
}
