using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Cli.Commands;

/// <summary>How the commands read CSV records (<c>train --records</c>, and records for a bundle that reads them), and what a model that does not score points says of a series.</summary>
internal static class RecordsInput
{
    /// <summary>Share of the normal records held out for validation (early stopping and thresholds).</summary>
    public const double RecordValidationShare = 0.2;

    /// <summary>Why <paramref name="detector"/> (a model that does not score points) cannot <paramref name="verb"/> a series per time step.</summary>
    /// <param name="detector">A loaded model.</param>
    /// <param name="verb">What the command does to the series: <c>score</c> or <c>evaluate</c>.</param>
    public static ArgumentException SeriesRefusal(IFittedDetector detector, string verb) =>
        new($"A {detector.Name} bundle trained on whole sequences (--window 0) scores sequences of its length; {verb} a time series per time step with a bundle trained on windows.");

    /// <summary>
    /// Why <paramref name="detector"/> (a model that does not score points) cannot <paramref name="verb"/> several series
    /// files: a records bundle reads one file of records, a bundle of whole sequences no series.
    /// </summary>
    /// <param name="detector">A loaded model.</param>
    /// <param name="files">How many files <c>--data</c> names.</param>
    /// <param name="verb">What the command does: <c>score</c> or <c>evaluate</c>.</param>
    public static ArgumentException SeveralRefusal(IFittedDetector detector, int files, string verb) =>
        (detector as IReadsRecords)?.Encoder is not null
            ? new($"--data names {files} series files; a {detector.Name} bundle of records (--records) {verb}s one file of records at a time.")
            : SeriesRefusal(detector, verb);

    /// <summary>Reads a CSV of records and splits its normal ones (all, when unlabelled) at random into training and validation, encoded for the model.</summary>
    /// <param name="console">Where the counts are reported.</param>
    /// <param name="r">The parsed command line.</param>
    /// <param name="series">The CSV options (--columns, --label-column, --delimiter, --missing).</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="seed">Seed of the split.</param>
    /// <param name="ct">Ctrl+C: stops a long read.</param>
    public static (SequenceSet Train, SequenceSet Validation, TabularEncoder Encoder) ReadRecords(IAnsiConsole console, ParseResult r, SeriesOptionSet series, string path, int seed, CancellationToken ct = default)
    {
        var table = TabularCsvReader.Read(path, r.GetValue(series.LabelColumn), series.ColumnList(r), series.DelimiterOf(r), r.GetValue(series.Missing), ct);
        SeriesOptionSet.NoteRounding(console, table.Rounded, path);
        var normal = table.Records.Where(x => !x.IsAnomaly).ToArray();
        if (normal.Length < 10)
        {
            throw new DataFormatException(path, null, null, $"has {normal.Length} normal records; training needs at least 10 (a fifth of them validate)");
        }

        new Random(seed).Shuffle(normal);
        var held = (int)Math.Round(normal.Length * RecordValidationShare);
        var train = normal[held..];
        var validation = normal[..held];
        var encoder = Encoder(path, table, train, normal.Length);
        console.WriteLine($"Read {table.Records.Count} records ({table.NumericNames.Count} numeric, {table.TextNames.Count} text columns -> {encoder.Columns.Count} inputs); "
            + $"{train.Length} train and {validation.Length} validate{(table.Labelled ? $", {table.Records.Count - normal.Length} labelled anomalous left out" : "")}.");
        NoteGaps(console, table);
        return (encoder.ToSequenceSet(train, table.Gaps), encoder.ToSequenceSet(validation, table.Gaps), encoder);
    }

    /// <summary>
    /// Reads a CSV of labelled records and splits them for a comparison of models: the normal ones at random, 60% to train,
    /// 20% to validate and 20% to test; every labelled anomaly to test (as KDD Cup 99's protocol splits its records).
    /// </summary>
    /// <param name="console">Where the counts are reported.</param>
    /// <param name="r">The parsed command line.</param>
    /// <param name="series">The CSV options (--columns, --label-column, --delimiter, --missing).</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="seed">Seed of the split.</param>
    /// <param name="ct">Ctrl+C: stops a long read.</param>
    /// <exception cref="DataFormatException">No label column, too few normal records, no labelled anomaly, or records the encoder cannot take.</exception>
    public static ((SequenceSet Train, SequenceSet Validation, SequenceSet Test) Sets, bool[] Labels, TabularEncoder Encoder) SplitLabelled(IAnsiConsole console, ParseResult r, SeriesOptionSet series, string path, int seed, CancellationToken ct = default)
    {
        var column = r.GetValue(series.LabelColumn) ?? throw new ArgumentException("Comparing models on records needs their labels: name the label column with --label-column (0, false or normal for a normal record).");
        var table = TabularCsvReader.Read(path, column, series.ColumnList(r), series.DelimiterOf(r), r.GetValue(series.Missing), ct);
        SeriesOptionSet.NoteRounding(console, table.Rounded, path);
        var normal = table.Records.Where(x => !x.IsAnomaly).ToArray();
        var anomalous = table.Records.Where(x => x.IsAnomaly).ToArray();
        if (normal.Length < 20 || anomalous.Length == 0)
        {
            throw new DataFormatException(path, null, column, normal.Length < 20
                ? $"labels {normal.Length} records normal; a comparison needs at least 20 (60% train, 20% validate, 20% are measured beside the anomalies)"
                : "labels no record anomalous; a comparison measures how each model ranks the anomalies: label some, or use train and score");
        }

        new Random(seed).Shuffle(normal);
        var (trainEnd, validationEnd) = ((int)Math.Round(normal.Length * 0.6), (int)Math.Round(normal.Length * 0.8));
        var (train, validation) = (normal[..trainEnd], normal[trainEnd..validationEnd]);
        TabularRecord[] test = [.. normal[validationEnd..], .. anomalous];
        var encoder = Encoder(path, table, train, normal.Length);
        console.WriteLine($"Read {table.Records.Count} records ({table.NumericNames.Count} numeric, {table.TextNames.Count} text columns -> {encoder.Columns.Count} inputs); "
            + $"{train.Length} normal train and {validation.Length} validate; {test.Length} are measured, {anomalous.Length} of them labelled anomalous.");
        NoteGaps(console, table);
        return ((encoder.ToSequenceSet(train, table.Gaps), encoder.ToSequenceSet(validation, table.Gaps), encoder.ToSequenceSet(test, table.Gaps)), [.. test.Select(x => x.IsAnomaly)], encoder);
    }

    /// <summary>The encoder fitted on <paramref name="train"/>, after the checks that the records can be encoded.</summary>
    private static TabularEncoder Encoder(string path, TabularTable table, TabularRecord[] train, int normal)
    {
        foreach (var (name, j) in table.NumericNames.Select((name, j) => (name, j)).Where(c => train.All(x => float.IsNaN(x.Numeric[c.j]))))
        {
            throw new DataFormatException(path, null, name, $"has a gap in each of the {train.Length} training records; there is no mean to fill them with (leave the column out with --columns)");
        }

        if (table.Gaps == MissingValues.Conditional && table.FilledValues > 0 && table.NumericNames.Count > TabularEncoder.MaxCovariance)
        {
            throw new ArgumentException($"--missing conditional predicts a gap from the covariance of at most {TabularEncoder.MaxCovariance} number columns, and {path} has {table.NumericNames.Count}: use --missing mean or drop, or fewer columns (--columns).");
        }

        var encoder = TabularEncoder.Fit(train, table.NumericNames, table.TextNames);
        if (encoder.TooLarge(normal) is { } problem)
        {
            throw new DataFormatException(path, null, null, problem);
        }

        return encoder;
    }

    /// <summary>
    /// Records for a bundle's <paramref name="encoder"/>, read with the command's options and encoded as it was trained
    /// (labels kept, where a label column is named), after saying what reading noted: coarse columns, gaps filled or
    /// records left out, text values not seen in training.
    /// </summary>
    public static SequenceSet ReadFor(IAnsiConsole console, ParseResult r, SeriesOptionSet series, string path, TabularEncoder encoder, CancellationToken ct)
    {
        var table = TabularCsvReader.Read(path, encoder, r.GetValue(series.LabelColumn), series.DelimiterOf(r), r.GetValue(series.Missing), ct);
        SeriesOptionSet.NoteRounding(console, table.Rounded, path);
        NoteGaps(console, table);
        if (encoder.CountUnseen(table.Records) is var unseen and > 0)
        {
            console.WriteLine($"{unseen} records hold a text value not seen in training (encoded as none of the known values).");
        }

        return encoder.ToSequenceSet(table);
    }

    /// <summary>Says how many gaps of <paramref name="table"/>'s number columns were filled, and how, or how many records were left out for one; nothing when none.</summary>
    /// <param name="console">Where it is said.</param>
    /// <param name="table">Records as read.</param>
    public static void NoteGaps(IAnsiConsole console, TabularTable table)
    {
        if (table.FilledValues + table.DroppedRecords > 0)
        {
            console.WriteLine(table.DroppedRecords > 0
                ? $"Missing values: {table.DroppedRecords} records with a gap left out."
                : $"Missing values: {table.FilledValues} gaps filled with {(table.Gaps == MissingValues.Conditional ? "what each record's other numbers lead one to expect (--missing conditional)" : "their column's training mean")}.");
        }
    }
}
