using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Cli.Commands;

/// <summary>How <c>train</c> reads CSV records (<c>--records</c>), and what a model that does not score points says of a series.</summary>
internal static class RecordsInput
{
    /// <summary>Share of the normal records held out for validation (early stopping and thresholds).</summary>
    public const double RecordValidationShare = 0.2;

    /// <summary>Why <paramref name="detector"/> (a model that does not score points) cannot <paramref name="verb"/> a series per time step.</summary>
    /// <param name="detector">A loaded model.</param>
    /// <param name="verb">What the command does to the series: <c>score</c> or <c>evaluate</c>.</param>
    public static ArgumentException SeriesRefusal(IFittedDetector detector, string verb) =>
        new($"A {detector.Name} bundle trained on whole sequences (--window 0) scores sequences of its length; {verb} a time series per time step with a bundle trained on windows.");

    /// <summary>Reads a CSV of records and splits its normal ones (all, when unlabelled) at random into training and validation, encoded for the model.</summary>
    /// <param name="console">Where the counts are reported.</param>
    /// <param name="r">The parsed command line.</param>
    /// <param name="series">The CSV options (--columns, --label-column, --delimiter).</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="seed">Seed of the split.</param>
    /// <param name="ct">Ctrl+C: stops a long read.</param>
    public static (SequenceSet Train, SequenceSet Validation, TabularEncoder Encoder) ReadRecords(IAnsiConsole console, ParseResult r, SeriesOptionSet series, string path, int seed, CancellationToken ct = default)
    {
        var table = TabularCsvReader.Read(path, r.GetValue(series.LabelColumn), series.ColumnList(r), series.DelimiterOf(r), ct);
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
        var encoder = TabularEncoder.Fit(train, table.NumericNames, table.TextNames);
        if (encoder.TooLarge(normal.Length) is { } problem)
        {
            throw new DataFormatException(path, null, null, problem);
        }

        console.WriteLine($"Read {table.Records.Count} records ({table.NumericNames.Count} numeric, {table.TextNames.Count} text columns -> {encoder.Columns.Count} inputs); "
            + $"{train.Length} train and {validation.Length} validate{(table.Labelled ? $", {table.Records.Count - normal.Length} labelled anomalous left out" : "")}.");
        return (encoder.ToSequenceSet(train), encoder.ToSequenceSet(validation), encoder);
    }
}
