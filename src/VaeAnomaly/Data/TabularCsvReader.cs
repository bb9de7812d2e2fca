using System.Globalization;
using CsvHelper;

namespace VaeAnomaly.Data;

/// <summary>Records read from a CSV table: numeric and text feature columns, and labels when a label column was named.</summary>
/// <param name="Source">The file read.</param>
/// <param name="NumericNames">Numeric feature columns, in file order.</param>
/// <param name="TextNames">Text (categorical) feature columns, in file order.</param>
/// <param name="Records">One record per data row.</param>
/// <param name="Lines">Each record's 1-based line in the file (header counted).</param>
/// <param name="Labelled">True when a label column was read.</param>
public sealed record TabularTable(string Source, IReadOnlyList<string> NumericNames, IReadOnlyList<string> TextNames, IReadOnlyList<TabularRecord> Records, IReadOnlyList<long> Lines, bool Labelled)
{
    /// <summary>Number columns that 32-bit floats hold only coarsely next to how much they vary, found while reading (<see cref="FloatRounding"/>).</summary>
    public IReadOnlyList<RoundedColumn> Rounded { get; init; } = [];

    /// <summary>Gaps in number columns kept as NaN for the encoder to fill (<see cref="MissingValues.Mean"/> or <see cref="MissingValues.Conditional"/>).</summary>
    public int FilledValues { get; init; }

    /// <summary>How the encoder fills the gaps kept as NaN (<see cref="TabularEncoder.ToSequenceSet(TabularTable)"/>): what the reader was asked.</summary>
    public MissingValues Gaps { get; init; } = MissingValues.Error;

    /// <summary>Records left out for a gap in a number column (<see cref="MissingValues.Drop"/>); <see cref="Lines"/> says which were kept.</summary>
    public int DroppedRecords { get; init; }
}

/// <summary>
/// Reads a table of records from CSV: a header, then one record per row. A column is numeric when every cell is a
/// finite number (invariant culture) or a gap (<see cref="GapFilling.IsGap"/>: empty, NaN, <c>NA</c>, <c>null</c>, ...),
/// otherwise text; or, when reading for a trained model, exactly as the model's encoder says. A gap in a number column is
/// an error unless <see cref="MissingValues.Mean"/> or <see cref="MissingValues.Conditional"/> keeps it as NaN (the encoder
/// fills it) or <see cref="MissingValues.Drop"/> leaves its record out; a text column's empty cell is a value of its own. An optional label column marks anomalies: <c>0</c>, <c>false</c> and <c>normal</c> (or
/// KDD's <c>normal.</c>) are normal, any other value is an anomaly and names its type. The delimiter (<c>,</c>,
/// <c>;</c> or tab) is detected from the header unless given; gzip files and a UTF-8 BOM are handled.
/// </summary>
public static class TabularCsvReader
{
    /// <summary>Most distinct values a text column may have; more is an identifier, not a category, and would make one-hot inputs explode.</summary>
    public const int MaxCategories = 1000;

    /// <summary>Reads the file, inferring each column's type.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="labelColumn">The label column, or null when the rows are unlabelled (then all are taken as normal).</param>
    /// <param name="columns">Feature columns to keep; null keeps every column but the label.</param>
    /// <param name="delimiter">Field delimiter; null detects it.</param>
    /// <param name="missing">What a gap in a number column is: an error, NaN for the encoder to fill (mean or conditional), or its record left out.</param>
    /// <param name="ct">Observed every 4,096 rows: Ctrl+C in the tool stops a long read.</param>
    /// <exception cref="DataFormatException">No header or rows, a ragged row, a refused gap in a numeric column, an empty label, or a text column with more than <see cref="MaxCategories"/> values.</exception>
    /// <exception cref="ArgumentException"><paramref name="missing"/> is interpolate or ffill, which need an order records lack.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static TabularTable Read(string path, string? labelColumn = null, IReadOnlyList<string>? columns = null, string? delimiter = null,
        MissingValues missing = MissingValues.Error, CancellationToken ct = default)
    {
        GapFilling.ForRecords(missing);
        var (header, rows, lines, featureIndex, labelIndex) = ReadCells(path, labelColumn, columns, delimiter, ct);
        var numeric = featureIndex.Where(i => rows.Any(r => !GapFilling.IsGap(r[i])) && rows.All(r => GapFilling.IsGap(r[i]) || IsNumber(r[i]))).ToArray();
        var text = featureIndex.Except(numeric).ToArray();
        foreach (var i in text.Where(i => rows.Any(r => GapFilling.MisWritten(r[i]) is not null) && rows.All(r => GapFilling.IsGap(r[i]) || IsNumber(r[i]) || GapFilling.MisWritten(r[i]) is not null)))
        {
            // Numbers with decimal commas or thousands separators would otherwise be read as text and one-hot encoded, a category per value.
            var first = rows.FindIndex(r => GapFilling.MisWritten(r[i]) is not null);
            throw new DataFormatException(path, lines[first], header[i], $"found '{rows[first][i]}', {GapFilling.MisWritten(rows[first][i])}: export the file with plain numbers");
        }

        foreach (var i in text)
        {
            var distinct = rows.Select(r => r[i]).Distinct().Count();
            if (distinct > MaxCategories)
            {
                throw new DataFormatException(path, null, header[i],
                    $"has {distinct} distinct text values; a text column is one-hot encoded and may have at most {MaxCategories} (leave identifiers out with --columns)");
            }
        }

        return Build(path, header, rows, lines, (numeric, text, labelIndex), missing, "as the column's other records hold");
    }

    /// <summary>Reads the file for a trained model: its numeric and text columns by name, in the encoder's order; other columns are ignored.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="encoder">The model's encoder.</param>
    /// <param name="labelColumn">The label column, or null.</param>
    /// <param name="delimiter">Field delimiter; null detects it.</param>
    /// <param name="missing">What a gap in a number column is: an error, NaN for the encoder to fill (mean or conditional), or its record left out.</param>
    /// <param name="ct">Observed every 4,096 rows: Ctrl+C in the tool stops a long read.</param>
    /// <exception cref="DataFormatException">A feature column is missing, a numeric cell is not a finite number, or a gap is refused.</exception>
    /// <exception cref="ArgumentException"><paramref name="missing"/> is interpolate or ffill, which need an order records lack.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static TabularTable Read(string path, TabularEncoder encoder, string? labelColumn = null, string? delimiter = null,
        MissingValues missing = MissingValues.Error, CancellationToken ct = default)
    {
        GapFilling.ForRecords(missing);
        var (header, rows, lines, _, labelIndex) = ReadCells(path, labelColumn, [.. encoder.NumericNames, .. encoder.TextNames], delimiter, ct);
        int Find(string name) => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        var numeric = encoder.NumericNames.Select(Find).ToArray();
        for (var r = 0; r < rows.Count; r++)
        {
            foreach (var i in numeric.Where(i => !IsNumber(rows[r][i]) && !GapFilling.IsGap(rows[r][i])))
            {
                throw new DataFormatException(path, lines[r], header[i], $"found '{IO.Messages.Cut(rows[r][i])}'; expected a finite number, as in the training data");
            }
        }

        return Build(path, header, rows, lines, (numeric, [.. encoder.TextNames.Select(Find)], labelIndex), missing, "as in the training data");
    }

    /// <summary>True for a label that marks a normal record.</summary>
    /// <param name="label">The label cell.</param>
    public static bool IsNormalLabel(string label)
    {
        var value = label.Trim();
        return value.Equals("normal", StringComparison.OrdinalIgnoreCase) || value.Equals("normal.", StringComparison.OrdinalIgnoreCase)
            || value.Equals("false", StringComparison.OrdinalIgnoreCase)
            || (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == 0);
    }

    private static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value);

    /// <summary>The records of <paramref name="rows"/>, their gaps as <paramref name="missing"/> says; <paramref name="expected"/> ends a refused gap's "expected a number" (where numbers are found).</summary>
    private static TabularTable Build(string path, string[] header, List<string[]> rows, List<long> lines, (int[] Numeric, int[] Text, int Label) columns, MissingValues missing, string expected)
    {
        var (numeric, text, labelIndex) = columns;
        var records = new List<TabularRecord>(rows.Count);
        var kept = new List<long>(rows.Count);
        var (filled, dropped) = (0, 0);
        var rounding = new FloatRounding(numeric.Length);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var label = labelIndex >= 0 ? row[labelIndex].Trim() : SequenceLabel.Normal;
            if (label.Length == 0)
            {
                throw new DataFormatException(path, lines[r], header[labelIndex], "is empty; expected 0/normal for a normal record or another value for an anomaly");
            }

            var gaps = numeric.Count(i => GapFilling.IsGap(row[i]));
            if (gaps > 0 && !GapFilling.Fills(missing))
            {
                if (missing == MissingValues.Drop)
                {
                    dropped++;
                    continue;
                }

                var i = numeric.First(i => GapFilling.IsGap(row[i]));
                throw new DataFormatException(path, lines[r], header[i],
                    $"{(row[i].Trim().Length == 0 ? "is empty" : $"found '{IO.Messages.Cut(row[i])}', a missing value")}; expected a number, {expected} ({GapFilling.RecordGapAdvice})");
            }

            var anomalous = labelIndex >= 0 && !IsNormalLabel(label);
            var numbers = new float[numeric.Length];
            for (var k = 0; k < numbers.Length; k++)
            {
                var cell = row[numeric[k]];
                if (GapFilling.IsGap(cell))
                {
                    numbers[k] = float.NaN; // filled by the encoder
                    continue;
                }

                numbers[k] = GapFilling.CheckMagnitude(float.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture), cell, path, lines[r], header[numeric[k]]);
                rounding.Add(k, cell, numbers[k]);
            }

            filled += gaps;
            records.Add(new TabularRecord(numbers, [.. text.Select(i => row[i])], anomalous, anomalous ? label : SequenceLabel.Normal));
            kept.Add(lines[r]);
        }

        if (records.Count == 0)
        {
            throw new DataFormatException(path, null, null, $"has no record without a gap in its number columns (--missing drop left all {dropped} out)");
        }

        string[] numericNames = [.. numeric.Select(i => header[i])];
        return new TabularTable(path, numericNames, [.. text.Select(i => header[i])], records, kept, labelIndex >= 0)
        {
            Rounded = rounding.Coarse(numericNames),
            FilledValues = filled,
            DroppedRecords = dropped,
            Gaps = missing,
        };
    }

    private static (string[] Header, List<string[]> Rows, List<long> Lines, int[] Features, int Label) ReadCells(
        string path, string? labelColumn, IReadOnlyList<string>? columns, string? delimiter, CancellationToken ct)
    {
        if (SeriesParquetReader.IsParquet(path))
        {
            return ParquetCells(path, labelColumn, columns);
        }

        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, null, "does not exist; expected a CSV file of records with a header");
        }

        var first = TextInput.FirstLine(path) ?? throw new DataFormatException(path, null, null, "is empty; expected a header and one record per row");
        var separator = delimiter ?? SeriesCsvReader.DetectDelimiter(first);
        using var reader = TextInput.Open(path);
        using var parser = new CsvParser(reader, SequenceCsvReader.Config(path, separator));
        parser.Read();
        var header = parser.Record!.Select(h => h.Trim()).ToArray();
        TextInput.CheckHeader(path, header);
        var (features, labelIndex) = Columns(path, header, labelColumn, columns);
        var rows = new List<string[]>();
        var lines = new List<long>();
        while (parser.Read())
        {
            if ((parser.RawRow & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            var record = parser.Record!;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue;
            }

            if (record.Length != header.Length)
            {
                throw new DataFormatException(path, parser.RawRow, null, $"found {record.Length} fields; expected {header.Length} as in the header (delimiter '{(separator == "\t" ? "\\t" : separator)}')");
            }

            rows.Add(record);
            TextInput.CheckRows(path, parser.RawRow, rows.Count, "records");
            lines.Add(parser.RawRow);
        }

        return rows.Count == 0 ? throw new DataFormatException(path, null, null, "has a header but no records") : (header, rows, lines, features, labelIndex);
    }

    /// <summary>The feature columns' indices (<paramref name="columns"/> by name, or every column but the label) and the label column's (-1 for none).</summary>
    private static (int[] Features, int Label) Columns(string path, string[] header, string? labelColumn, IReadOnlyList<string>? columns)
    {
        var labelIndex = labelColumn is null ? -1 : Array.FindIndex(header, h => h.Equals(labelColumn, StringComparison.OrdinalIgnoreCase));
        if (labelColumn is not null && labelIndex < 0)
        {
            throw new DataFormatException(path, 1, labelColumn, $"the label column is not in the header [{IO.Messages.List(header)}]");
        }

        var features = columns is null
            ? [.. Enumerable.Range(0, header.Length).Where(i => i != labelIndex)]
            : columns.Select(name => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 ? i
                : throw new DataFormatException(path, 1, name, $"is not in the header [{IO.Messages.List(header)}]")).ToArray();
        return features.Length == 0 ? throw new DataFormatException(path, 1, null, "has no feature columns besides the label column") : (features, labelIndex);
    }

    /// <summary>
    /// The cells of a Parquet file of records as text (<see cref="SeriesParquetReader.Cells"/>), so its columns' kinds are
    /// inferred as a CSV's are; an error names a row as the line a CSV of it would have (the header is line 1).
    /// </summary>
    private static (string[] Header, List<string[]> Rows, List<long> Lines, int[] Features, int Label) ParquetCells(string path, string? labelColumn, IReadOnlyList<string>? columns)
    {
        var (header, rows) = SeriesParquetReader.Cells(path);
        var (features, labelIndex) = Columns(path, header, labelColumn, columns);
        return rows.Count == 0 ? throw new DataFormatException(path, null, null, "has no records") : (header, rows, [.. Enumerable.Range(2, rows.Count).Select(l => (long)l)], features, labelIndex);
    }
}
