using VaeAnomaly.Data;

namespace VaeAnomaly.Cli.Commands;

/// <summary>How commands find sequences: a synthetic-v1 folder or one long-format CSV file.</summary>
internal static class DataPaths
{
    /// <summary>True when <paramref name="path"/> is a CSV time series rather than a sequence folder or sequence file.</summary>
    public static bool IsSeries(string path) => File.Exists(path) && !SeriesCsvReader.IsSequenceLayout(path);

    /// <summary>The train and validation data: a folder's splits, or a series file split chronologically (each part one sequence).</summary>
    public static (SequenceSet Train, SequenceSet Validation) ReadTraining(string path, Func<Series>? readSeries, (double Train, double Validation) split, MissingValues missing)
    {
        if (IsSeries(path) && readSeries is not null)
        {
            var (train, validation) = SplitSeries(path, readSeries(), split);
            return (train.AsSequenceSet("train"), validation.AsSequenceSet("validation"));
        }

        if (File.Exists(path))
        {
            throw new DataFormatException(path, null, null,
                "is a sequence file; train expects a folder in the synthetic-v1 layout holding train.csv and val.csv, or a time-series CSV");
        }

        if (!Directory.Exists(path))
        {
            throw new DataFormatException(path, null, null, "does not exist; expected a folder holding train.csv and val.csv");
        }

        RequireInFolder(path, "train.csv", "train.csv and val.csv");
        RequireInFolder(path, "val.csv", "train.csv and val.csv");
        return (SequenceFolder.Read(path, "train", missing), SequenceFolder.Read(path, "val", missing));
    }

    /// <summary>
    /// The train and validation parts of several series files (a recording per day or per machine of the same kind), each
    /// split in time on its own by <paramref name="split"/>: one sequence per file and part, so no window spans the end of
    /// one file and the start of the next. Every file needs the first one's value columns, by name in any order (as
    /// <c>score</c> reads a file); they are put in the first file's order.
    /// </summary>
    /// <param name="paths">Two or more series files, each once.</param>
    /// <param name="readSeries">Reads one file with the command's options.</param>
    /// <param name="split">The training and validation fractions of each file.</param>
    public static (SequenceSet Train, SequenceSet Validation) ReadTrainingSeries(IReadOnlyList<string> paths, Func<string, Series> readSeries, (double Train, double Validation) split)
    {
        var (trains, validations) = (new List<Sequence>(), new List<Sequence>());
        IReadOnlyList<string>? channels = null;
        foreach (var path in paths)
        {
            var series = readSeries(path);
            channels ??= series.ChannelNames;
            var (train, validation) = SplitSeries(path, InOrder(series, channels, path, paths[0]), split);
            trains.Add(new Sequence(Sequence.TrainingPartOf(Path.GetFileName(path)), train.Values));
            validations.Add(new Sequence(Sequence.ValidationPartOf(Path.GetFileName(path)), validation.Values));
        }

        return (new SequenceSet(channels!, trains), new SequenceSet(channels!, validations));
    }

    /// <summary>
    /// The folder of one file's report among several (<c>01-mon.csv</c>): numbered in the order the files were given, as
    /// two files in different folders may share a name.
    /// </summary>
    /// <param name="index">The file's place among those given, from 0.</param>
    /// <param name="file">The file as named.</param>
    public static string FolderOf(int index, string file) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{index + 1:D2}-{Path.GetFileName(file)}");

    /// <summary>Refuses a path named twice in <paramref name="paths"/> (by its full path), so no file's rows count twice.</summary>
    public static void RequireDistinct(IReadOnlyList<string> paths)
    {
        if (paths.GroupBy(Path.GetFullPath, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"--data names the file '{twice.Key}' {twice.Count()} times ({IO.Messages.List([.. twice])}); name each file once.");
        }
    }

    /// <summary>
    /// Refuses several inputs (<c>--data a.csv b.csv</c>) unless each is a series file named once, or when
    /// <paramref name="refusal"/> says why this command reads one file here; the error says what several are read as.
    /// </summary>
    /// <param name="paths">Two or more inputs.</param>
    /// <param name="readAs">What several inputs are read as, for the message ("time series files that one model learns from").</param>
    /// <param name="refusal">Why several are refused whatever they are (a records bundle reads one file), or null.</param>
    public static void RequireSeriesFiles(IReadOnlyList<string> paths, string readAs, string? refusal = null)
    {
        RequireDistinct(paths);
        var other = paths.FirstOrDefault(p => !IsSeries(p));
        if (refusal is not null || other is not null)
        {
            var why = refusal ?? $"'{other}' is {(Directory.Exists(other) ? "a folder" : File.Exists(other) ? "a file of sequences" : "not there")}";
            throw new ArgumentException($"--data names {paths.Count} inputs; several are read only as {readAs}, and {why}.");
        }
    }

    /// <summary>The series' values in the columns <paramref name="channels"/> (matched by name without regard to case), or an error naming both files' columns.</summary>
    private static Series InOrder(Series series, IReadOnlyList<string> channels, string path, string first)
    {
        if (series.ChannelNames.SequenceEqual(channels, StringComparer.Ordinal))
        {
            return series;
        }

        var index = channels.Select(c => series.ChannelNames.ToList().FindIndex(n => string.Equals(n, c, StringComparison.OrdinalIgnoreCase))).ToArray();
        if (series.ChannelNames.Count != channels.Count || index.Any(i => i < 0))
        {
            throw new DataFormatException(path, 1, null, $"has the value columns [{IO.Messages.List(series.ChannelNames)}], where the first file, {first}, has [{IO.Messages.List(channels)}]; one model learns the same columns from every file (--columns picks them)");
        }

        var (c, values) = (channels.Count, new float[series.Values.Length]);
        for (var t = 0; t < series.Length; t++)
        {
            for (var j = 0; j < c; j++)
            {
                values[(t * c) + j] = series.Values[(t * c) + index[j]];
            }
        }

        return series with { ChannelNames = channels, Values = values };
    }

    /// <summary>A series' training and validation parts by <paramref name="split"/>, or an error naming the file when either would be empty.</summary>
    private static (Series Train, Series Validation) SplitSeries(string path, Series series, (double Train, double Validation) split)
    {
        var (train, validation, _) = series.Split(split.Train, split.Validation);
        if (train.Length == 0 || validation.Length == 0)
        {
            throw new DataFormatException(path, null, null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"gives {series.Length} {(series.Length == 1 ? "row" : "rows")} to train on; a split of {split.Train * 100:0.##}% and {split.Validation * 100:0.##}% leaves {train.Length} for training and {validation.Length} for validation; expected at least one in each: give more rows or another --split"));
        }

        return (train, validation);
    }

    /// <summary>
    /// Refuses a folder without the file of the sequence layout a command reads, saying what the layout is and, where the
    /// folder holds other data files (a folder of series, as a user with one file per machine has), what to pass instead.
    /// </summary>
    /// <param name="folder">The folder given as <c>--data</c>.</param>
    /// <param name="file">The file the command reads in it.</param>
    /// <param name="layout">The files of the layout, as said in the message.</param>
    private static void RequireInFolder(string folder, string file, string layout)
    {
        if (!Directory.Exists(folder) || File.Exists(Path.Combine(folder, file)))
        {
            return;
        }

        var others = Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>()
            .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToArray();
        var held = others.Length == 0 ? "" : others.Any(f => f.Contains(".train.", StringComparison.Ordinal))
            ? $"; it holds {IO.Messages.List(others)}, the layout of labelled train/test pairs, which benchmark series reads (benchmark series --data {folder})"
            : $"; it holds {IO.Messages.List(others)}: a time series is one file, given as --data {Path.Combine(folder, others[0])} (one bundle per series file)";
        throw new DataFormatException(folder, null, null, $"is a folder without {file}; a folder is read as sequences ({layout}, of sequence_id,t,<channels> rows){held}");
    }

    /// <summary>What the reader did with missing cells, or null when there were none.</summary>
    public static string? DescribeGaps(params SequenceSet[] sets)
    {
        var (filled, dropped) = (sets.Sum(s => s.FilledValues), sets.Sum(s => s.DroppedRows));
        return filled + dropped == 0 ? null : $"Missing values: {filled} filled, {dropped} rows dropped.";
    }

    /// <summary>
    /// Sequences to score: a CSV file, or a folder's <c>test.csv</c>. Labels come from <paramref name="labels"/>
    /// or, when that is null, from a <c>NAME_labels.csv</c> beside a <c>NAME.csv</c> file if one exists.
    /// </summary>
    public static SequenceSet ReadSequences(string path, string? labels, MissingValues missing)
    {
        var (file, labelsFile) = SequenceFiles(path, labels);
        return SequenceCsvReader.Read(file, labelsFile, missing);
    }

    /// <summary>The data file and labels file <see cref="ReadSequences"/> would read.</summary>
    public static (string File, string? Labels) SequenceFiles(string path, string? labels)
    {
        RequireInFolder(path, "test.csv", "test.csv");
        var file = Directory.Exists(path) ? Path.Combine(path, "test.csv") : path;
        if (labels is null)
        {
            var sibling = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, Path.GetFileNameWithoutExtension(file) + "_labels.csv");
            labels = File.Exists(sibling) ? sibling : null;
        }

        return (file, labels);
    }
}
