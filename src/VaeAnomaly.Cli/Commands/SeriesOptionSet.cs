using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.IO;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Cli.Commands;

/// <summary>How a CSV time series is read and split (used when <c>--data</c> is a series file rather than the sequence layout).</summary>
internal sealed class SeriesOptionSet
{
    public Option<string> TimeColumn { get; } = new("--time-column") { Description = "Series: the time column (default: timestamp, datetime, time or date)." };

    public Option<string> Columns { get; } = CreateColumns();

    public Option<string> LabelColumn { get; } = new("--label-column") { Description = "Series: a 0/1 label column, kept out of the values. Records: 0, false or normal marks a normal record, anything else an anomaly." };

    public Option<string> Delimiter { get; } = CreateDelimiter();

    public Option<MissingValues> Missing { get; } = CreateMissing();

    /// <summary><c>--missing</c>, for series and sequence files alike.</summary>
    public static Option<MissingValues> CreateMissing() => new("--missing")
    {
        Description = "Gaps (empty, NaN or infinite cells, NA, N/A, null, None): error (default); a series or sequences: interpolate, ffill or drop the row; records (--records): conditional (what the record's other numbers lead one to expect), mean (the column's training mean) or drop the record. Counts are reported. In the sequence layout gaps are filled within each sequence.",
        DefaultValueFactory = _ => MissingValues.Error,
    };

    public Option<int> TrainRows { get; } = new Option<int>("--train-rows") { Description = "Series: fit on the first N rows only, split into training and validation in the --split ratio; later rows are left out (0: the whole series by --split)." }.NonNegative();

    public Option<string> Split { get; } = CreateSplit();

    public Option<string> PointScore { get; } = CreatePointScore();

    public Option<string> FlagBy { get; } = CreateFlagBy();


    public void AddTo(Command command, bool withSplit)
    {
        command.Options.Add(TimeColumn);
        command.Options.Add(Columns);
        command.Options.Add(LabelColumn);
        command.Options.Add(Delimiter);
        command.Options.Add(Missing);
        if (withSplit)
        {
            command.Options.Add(Split);
            command.Options.Add(TrainRows);
        }
        else
        {
            command.Options.Add(PointScore);
            command.Options.Add(FlagBy);
        }
    }

    /// <summary>The series of <paramref name="path"/> as the options say; <paramref name="ct"/> (Ctrl+C) stops a long read.</summary>
    public Series Read(ParseResult r, string path, CancellationToken ct = default) => SeriesCsvReader.Read(
        path,
        r.GetValue(TimeColumn),
        ColumnList(r),
        r.GetValue(LabelColumn),
        DelimiterOf(r),
        r.GetValue(Missing),
        ct);

    /// <summary>The columns of <c>--columns</c>, or null for all.</summary>
    public IReadOnlyList<string>? ColumnList(ParseResult r) =>
        SharedOptions.Names(r, Columns);

    /// <summary>The delimiter of <c>--delimiter</c> (<c>tab</c> or <c>\t</c> for a tab), or null to detect it.</summary>
    public string? DelimiterOf(ParseResult r) => r.GetValue(Delimiter) is { } d ? (d == "\\t" || d == "tab" ? "\t" : d) : null;


    /// <summary>
    /// A series to score with <paramref name="model"/>, checked before any scoring: the model's columns read by name (or
    /// those of <c>--columns</c>, which must be the model's in its order), at least the model's window of rows. The file's
    /// other columns, times that go backwards and a gap in time are noted on <paramref name="console"/>.
    /// </summary>
    public Series ReadFor(IAnsiConsole console, ParseResult r, string path, Detectors.IFittedDetector model, CancellationToken ct = default)
    {
        // Without --columns the model's columns are read by name, in any order, as score --follow and the service read a
        // stream; the file's other columns are left out, and said.
        var named = ColumnList(r) is null;
        Series series;
        try
        {
            series = named
                ? SeriesCsvReader.Read(path, r.GetValue(TimeColumn), model.Channels, r.GetValue(LabelColumn), DelimiterOf(r), r.GetValue(Missing), ct)
                : Read(r, path, ct);
        }
        catch (DataFormatException e) when (named && e.Line == 1 && e.Column is { } missing && model.Channels.Contains(missing) && missing != r.GetValue(LabelColumn))
        {
            throw new DataFormatException(path, 1, missing, $"{e.Problem}; the model reads [{IO.Messages.List(model.Channels)}] (by name, in any order)");
        }

        if (named)
        {
            var known = new[] { r.GetValue(TimeColumn), r.GetValue(LabelColumn) }.OfType<string>().Concat(SeriesCsvReader.TimeColumnNames).Concat(model.Channels);
            if (SeriesCsvReader.Header(path, DelimiterOf(r)).Except(known, StringComparer.OrdinalIgnoreCase).ToArray() is { Length: > 0 } others)
            {
                console.WriteLine($"Note: {path}: the columns [{IO.Messages.List(others)}] are not the model's; they are left out.");
            }
        }

        if (!series.ChannelNames.SequenceEqual(model.Channels, StringComparer.OrdinalIgnoreCase))
        {
            throw new DataFormatException(path, 1, null,
                $"has the value columns [{IO.Messages.List(series.ChannelNames)}]; the model reads [{IO.Messages.List(model.Channels)}], in that order (pick them with --columns)");
        }

        // Names are matched without regard to case, as score --follow and the service match them; the model's spelling is kept.
        series = series with { ChannelNames = model.Channels };

        if (model is Detectors.IScoresPoints points && series.Length < points.MinimumRows)
        {
            throw new DataFormatException(path, null, null, $"has {series.Length} data rows; the {model.Name} scores series of at least {points.MinimumRows} rows (its window)");
        }

        NoteOrder(console, series, path);
        NoteRounding(console, series.Rounded, path);
        return series;
    }

    /// <summary>
    /// Notes a series with a time of another kind than the first row's (a label among dates), else one whose times go backwards somewhere (a file sorted newest first, or rows out of order): its rows are
    /// used in the file's order, so its windows would not be the series' own; else one whose largest step in time is at
    /// least <see cref="LargeGap"/> usual steps. Nothing for evenly spaced rows in order.
    /// </summary>
    private static void NoteOrder(IAnsiConsole console, Series series, string path)
    {
        var times = series.Timestamps.Select(TimeOrder.Read).ToArray(); // read once for every note
        if (TimeOrder.FirstOfAnotherKind(times) is { } k)
        {
            console.WriteLine($"Note: {path}: the time '{IO.Messages.Cut(series.Timestamps[k])}' of data row {k + 1} is not a {TimeOrder.Kind(times[0])} as the first row's ('{IO.Messages.Cut(series.Timestamps[0])}') is; rows are used in the file's order, and times are not checked for order past it.");
        }
        else if (TimeOrder.FirstBackwards(times) is { } i)
        {
            console.WriteLine($"Note: {path}: the time '{IO.Messages.Cut(series.Timestamps[i])}' of data row {i + 1} is earlier than the row before it ('{IO.Messages.Cut(series.Timestamps[i - 1])}'); rows are used in the file's order, so sort the file by time if that is not their order.");
        }
        else if (TimeOrder.LargestStep(times) is { } gap && gap.Step >= LargeGap * gap.Usual)
        {
            // A logger that was down: the models read rows, not times, so a window across the gap joins rows hours apart.
            static string Count(double n, string unit) => string.Create(CultureInfo.InvariantCulture, $"{n:0.##} {unit}{(Math.Round(n, 2) == 1 ? "" : "s")}");
            string Span(double step) => !gap.Dates ? step.ToString("G4", CultureInfo.InvariantCulture)
                : step >= 86_400 ? Count(step / 86_400, "day") : step >= 3_600 ? Count(step / 3_600, "hour") : step >= 60 ? Count(step / 60, "minute") : Count(step, "second");
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Note: {path}: the rows are not evenly spaced: data rows {gap.Row} and {gap.Row + 1} ('{IO.Messages.Cut(series.Timestamps[gap.Row - 1])}' and '{IO.Messages.Cut(series.Timestamps[gap.Row])}') are {Span(gap.Step)} apart, {gap.Step / gap.Usual:N0} times the usual step of {Span(gap.Usual)}; the models read rows, not times, so a window across that gap joins rows that are not consecutive (fill the gap or split the file there if that matters)."));
        }
    }

    /// <summary>
    /// Notes each value column that 32-bit floats, in which the models compute, hold only coarsely next to how much it
    /// varies (a large value varying little: its detail is rounded away), with the offset that would keep it.
    /// </summary>
    /// <param name="console">Where the notes go.</param>
    /// <param name="rounded">The columns a reader found (a series' or a records file's).</param>
    /// <param name="path">The file read.</param>
    public static void NoteRounding(IAnsiConsole console, IReadOnlyList<RoundedColumn> rounded, string path)
    {
        foreach (var r in rounded)
        {
            console.WriteLine($"Note: {r.Note(path)}");
        }
    }

    /// <summary>How many usual steps make a gap worth a note: a few missed readings do not, a logger that was down does.</summary>
    private const int LargeGap = 10;

    /// <summary>The series to fit on: the whole file, or its first <c>--train-rows</c> rows; filled gaps and times that go backwards are noted on <paramref name="console"/>.</summary>
    public Series ReadForTraining(IAnsiConsole console, ParseResult r, string path, CancellationToken ct = default)
    {
        var series = Read(r, path, ct);
        if (series.FilledValues > 0 || series.DroppedRows > 0)
        {
            console.MarkupLineInterpolated($"Missing values: {series.FilledValues} filled, {series.DroppedRows} rows dropped.");
        }

        var rows = r.GetValue(TrainRows);
        if (rows > series.Length)
        {
            throw new DataFormatException(path, null, null, $"has {series.Length} rows; --train-rows asked for the first {rows}");
        }

        var fitted = rows == 0 ? series : series.Slice(0, rows) with { FilledValues = series.FilledValues, DroppedRows = series.DroppedRows };
        NoteOrder(console, fitted, path);
        NoteRounding(console, series.Rounded, path);
        if (ColumnList(r) is null && r.GetValue(LabelColumn) is null && fitted.ChannelNames.Where(c => LabelNames.Contains(c, StringComparer.OrdinalIgnoreCase)).ToArray() is { Length: > 0 } labels)
        {
            var what = labels.Length > 1 ? $"the columns [{IO.Messages.List(labels)}] look like labels but are learnt as values" : $"the column '{labels[0]}' looks like a label but is learnt as a value";
            console.WriteLine($"Note: {path}: {what}; name a label with --label-column, or the value columns with --columns, to keep it out of the model.");
        }

        return fitted;
    }

    /// <summary>Column names that usually hold labels, not measurements (NAB's, SKAB's and the telemetry sets' among them).</summary>
    private static readonly string[] LabelNames = ["anomaly", "label", "labels", "is_anomaly", "anomalous", "outlier", "changepoint", "target"];

    public (double Train, double Validation) Fractions(ParseResult r)
    {
        var parts = ParseSplit(r.GetValue(Split)!);
        if (r.GetValue(TrainRows) == 0)
        {
            return (parts[0] / 100, parts[1] / 100);
        }

        // Only the first rows are read: they are split in the train:validation ratio, with nothing left over.
        var train = parts[0] / (parts[0] + parts[1]);
        return (train, 1 - train);
    }


    /// <summary>The point-score mode of <c>--point-score</c>.</summary>
    public PointScoreMode PointScoreOf(ParseResult r) => PointScoreModes.Parse(r.GetValue(PointScore)!);

    /// <summary>
    /// The point scores flagged as <c>--flag-by</c> says: above the bundle's threshold, or by their surprise next to the
    /// series' own earlier scores (as many as the training part's rows), which follows a series that drifts.
    /// </summary>
    /// <param name="r">The parsed command line.</param>
    /// <param name="points">A model's point scores.</param>
    /// <param name="trainingRows">Rows of the training part the bundle was fitted on.</param>
    public SeriesPointScores Flagged(ParseResult r, SeriesPointScores points, long trainingRows) =>
        r.GetValue(FlagBy) == "surprise" ? SurpriseFlags.Of(points, (int)Math.Clamp(trainingRows, 2, int.MaxValue)) : points;

    /// <summary>Refuses, at parse time, a <c>--threshold</c> beside <c>--flag-by surprise</c>, which would ignore it.</summary>
    /// <param name="command">A command that has both options.</param>
    /// <param name="threshold">Its <c>--threshold</c>.</param>
    public void RefuseThresholdWithSurprise(Command command, Option<string> threshold) => RefuseThresholdWithSurprise(command, FlagBy, threshold);

    /// <summary>Refuses, at parse time, a <c>--threshold</c> beside <c>--flag-by surprise</c> (<paramref name="flagBy"/>, made by <see cref="CreateFlagBy"/>), which would ignore it.</summary>
    /// <param name="command">A command that has both options.</param>
    /// <param name="flagBy">Its <c>--flag-by</c>.</param>
    /// <param name="threshold">Its <c>--threshold</c>.</param>
    public static void RefuseThresholdWithSurprise(Command command, Option<string> flagBy, Option<string> threshold) => command.Validators.Add(result =>
    {
        if (result.GetResult(threshold) is { Implicit: false } && result.GetValue(flagBy) == "surprise")
        {
            result.AddError("--flag-by surprise flags each point by its surprise next to the series' own earlier scores; --threshold applies with --flag-by threshold.");
        }
    });

    /// <summary><c>--flag-by threshold|surprise</c>, for the commands that flag the points of a series or a stream.</summary>
    public static Option<string> CreateFlagBy()
    {
        var option = new Option<string>("--flag-by")
        {
            Description = "Series: threshold (the bundle's, fitted on validation scores; default) or surprise (each point's score next to the series' own earlier scores, as many as the training part's rows; flagged above 0.5, a tail of 1e-5; the score written is the surprise). Surprise follows a series that drifts.",
            DefaultValueFactory = _ => "threshold",
        };
        option.AcceptOnlyFromAmong("threshold", "surprise");
        return option;
    }

    private static Option<string> CreatePointScore()
    {
        var option = new Option<string>("--point-score")
        {
            Description = "Series: per-point score. step: the point's reconstruction error averaged over the windows covering it (default); "
                + "last: the score of the latest window ending at or before the point (never looks ahead); mean or max: over the windows covering the point. The window score is --score where the command has it, else combined; thresholds are fitted on validation windows.",
            DefaultValueFactory = _ => "step",
        };
        option.AcceptOnlyFromAmong([.. PointScoreModes.Names]);
        return option;
    }

    private static Option<string> CreateColumns() =>
        SharedOptions.NameList("--columns", "Series and records: value columns to use, comma-separated (default: all but time and label).");

    private static Option<string> CreateDelimiter()
    {
        var option = new Option<string>("--delimiter") { Description = "Series and records: field delimiter, one character or 'tab' (default: detected among , ; and tab)." };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>() ?? "";
            var delimiter = text is "\\t" or "tab" ? "\t" : text;
            if (delimiter.Length != 1 || delimiter[0] is '"' or '\r' or '\n')
            {
                result.AddError($"--delimiter takes one character (not a quote or a line break) or 'tab'; got '{Messages.Cut(text)}'.");
            }
        });
        return option;
    }

    private static Option<string> CreateSplit()
    {
        var option = new Option<string>("--split") { Description = "Series: chronological train/validation/test percentages.", DefaultValueFactory = _ => "70/15/15" };
        option.Validators.Add(result =>
        {
            try
            {
                ParseSplit(result.GetValueOrDefault<string>()!);
            }
            catch (FormatException)
            {
                result.AddError($"--split takes three percentages summing to 100, training and validation above 0 (the test share may be 0), like 70/15/15 or 80/20/0; got '{result.GetValueOrDefault<string>()}'.");
            }
        });
        return option;
    }

    private static double[] ParseSplit(string text)
    {
        var parts = text.Split('/').Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        return parts.Length == 3 && parts[0] > 0 && parts[1] > 0 && parts[2] >= 0 && Math.Abs(parts.Sum() - 100) < 1e-9 ? parts : throw new FormatException();
    }
}
