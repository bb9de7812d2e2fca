using CsvHelper;

namespace VaeAnomaly.Data;

/// <summary>
/// Reads a time series from CSV: a header, a time column, numeric value columns, optionally a 0/1 label
/// column. The delimiter (<c>,</c>, <c>;</c> or tab) is detected from the header line unless given;
/// gzip files and a UTF-8 BOM are handled.
/// </summary>
public static class SeriesCsvReader
{
    /// <summary>Names tried, in order, when no time column is named (case-insensitive); <c>t</c>, the row index of the telemetry sets, last.</summary>
    public static IReadOnlyList<string> TimeColumnNames { get; } = ["timestamp", "datetime", "time", "date", "t"];

    /// <summary>True when the file's header looks like the sequence layout (<c>sequence_id</c> and <c>t</c>) rather than a series; a Parquet file is read as a series.</summary>
    /// <param name="path">A CSV file.</param>
    public static bool IsSequenceLayout(string path)
    {
        if (!File.Exists(path) || SeriesParquetReader.IsParquet(path))
        {
            return false;
        }

        var header = TextInput.FirstLine(path) ?? "";
        var names = header.Split(DetectDelimiter(header)).Select(n => n.Trim().Trim('"')).ToArray();
        return names.Contains(SequenceCsvReader.IdColumn, StringComparer.OrdinalIgnoreCase) && names.Contains(SequenceCsvReader.TimeColumn, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The column names of a series file: a CSV's header (quotes and a BOM handled), a Parquet file's columns.</summary>
    /// <param name="path">The file.</param>
    /// <param name="delimiter">The CSV's delimiter; null detects it.</param>
    public static IReadOnlyList<string> Header(string path, string? delimiter = null)
    {
        if (SeriesParquetReader.IsParquet(path))
        {
            return SeriesParquetReader.Cells(path, rows: false).Header;
        }

        var first = TextInput.FirstLine(path) ?? "";
        using var reader = TextInput.Open(path);
        using var parser = new CsvParser(reader, SequenceCsvReader.Config(path, delimiter ?? DetectDelimiter(first)));
        return parser.Read() ? [.. parser.Record!.Select(h => h.Trim())] : [];
    }

    /// <summary>Reads the file; a <c>.parquet</c> file is read by <see cref="SeriesParquetReader"/> (the delimiter does not apply).</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="timeColumn">Time column name; null tries <see cref="TimeColumnNames"/>.</param>
    /// <param name="columns">Value columns to keep; null keeps every column but the time and label columns.</param>
    /// <param name="labelColumn">A 0/1 label column, or null.</param>
    /// <param name="delimiter">Field delimiter; null detects it.</param>
    /// <param name="missing">What to do with empty, NaN or infinite cells.</param>
    /// <param name="ct">Observed every 4,096 rows: Ctrl+C in the tool stops a long read.</param>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static Series Read(string path, string? timeColumn = null, IReadOnlyList<string>? columns = null, string? labelColumn = null, string? delimiter = null,
        MissingValues missing = MissingValues.Error, CancellationToken ct = default)
    {
        GapFilling.ForRowsInOrder(missing);
        if (SeriesParquetReader.IsParquet(path))
        {
            return SeriesParquetReader.Read(path, timeColumn, columns, labelColumn, missing, ct);
        }

        var first = TextInput.FirstLine(path) ?? throw new DataFormatException(path, null, null, "is empty; expected a header with a time column and value columns");
        var separator = delimiter ?? DetectDelimiter(first);
        var config = SequenceCsvReader.Config(path, separator);
        using var reader = TextInput.Open(path); // streamed: only the parsed numbers are kept, never the whole text
        using var parser = new CsvParser(reader, config);
        parser.Read();
        var header = parser.Record!;
        TextInput.CheckHeader(path, header);
        int Find(string name) => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));

        var timeIndex = timeColumn is not null ? Find(timeColumn) : TimeColumnNames.Select(Find).FirstOrDefault(i => i >= 0, -1);
        if (timeIndex < 0)
        {
            throw new DataFormatException(path, 1, timeColumn, $"no time column in the header [{IO.Messages.List(header)}]; expected {(timeColumn is null ? string.Join(" or ", TimeColumnNames) : $"'{timeColumn}'")} (or name it with --time-column)");
        }

        var labelIndex = labelColumn is null ? -1 : Find(labelColumn);
        if (labelColumn is not null && labelIndex < 0)
        {
            throw new DataFormatException(path, 1, labelColumn, $"is not in the header [{IO.Messages.List(header)}]");
        }

        int[] valueIndex;
        if (columns is null)
        {
            valueIndex = Enumerable.Range(0, header.Length).Where(i => i != timeIndex && i != labelIndex).ToArray();
        }
        else
        {
            valueIndex = columns.Select(name => Find(name) is var i and >= 0 ? i
                : throw new DataFormatException(path, 1, name, $"is not in the header [{IO.Messages.List(header)}]")).ToArray();
        }

        if (valueIndex.Length == 0)
        {
            throw new DataFormatException(path, 1, null, "has no value columns besides the time and label columns");
        }

        var timestamps = new List<string>();
        var values = new List<float>();
        var labels = labelIndex >= 0 ? new List<bool>() : null;
        var gaps = 0;
        var droppedRows = 0;
        var rounding = new FloatRounding(valueIndex.Length);
        while (parser.Read())
        {
            if ((parser.Row & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            var line = parser.Row;
            var record = parser.Record!;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue;
            }

            if (record.Length != header.Length)
            {
                throw new DataFormatException(path, line, null, $"found {record.Length} fields; expected {header.Length} as in the header (delimiter '{(separator == "\t" ? "\\t" : separator)}')");
            }

            var row = new float[valueIndex.Length];
            var rowHasGap = false;
            for (var k = 0; k < valueIndex.Length; k++)
            {
                try
                {
                    row[k] = GapFilling.ParseCell(record[valueIndex[k]], missing, path, line, header[valueIndex[k]]);
                }
                catch (DataFormatException e) when (columns is null && valueIndex.Length > 1 && !GapFilling.IsGap(record[valueIndex[k]]) && GapFilling.MisWritten(record[valueIndex[k]]) is null)
                {
                    // Every column but the time and label columns was taken as a value: a text column (a status, a host
                    // name) is one the user did not mean as a value.
                    throw new DataFormatException(path, line, header[valueIndex[k]], $"{e.Problem}; every column but the time and label columns is read as a value: leave this one out by naming the value columns, e.g. --columns {IO.Messages.List([.. valueIndex.Where(i => i != valueIndex[k]).Select(i => header[i])])}");
                }
                if (float.IsNaN(row[k]))
                {
                    rowHasGap = true;
                    gaps++;
                }
                else
                {
                    rounding.Add(k, record[valueIndex[k]], row[k]);
                }
            }

            if (rowHasGap && missing == MissingValues.Drop)
            {
                droppedRows++;
                continue;
            }

            timestamps.Add(record[timeIndex]);
            TextInput.CheckRows(path, line, timestamps.Count, "a series");
            values.AddRange(row);

            if (labels is not null)
            {
                labels.Add(record[labelIndex].ToLowerInvariant() switch
                {
                    "0" or "0.0" or "false" => false, // true/false as pandas writes a bool column, and as Parquet's labels read
                    "1" or "1.0" or "true" => true,
                    _ => throw new DataFormatException(path, line, header[labelIndex], $"found '{IO.Messages.Cut(record[labelIndex])}'; expected 0 or 1 (or false or true)"),
                });
            }
        }

        if (timestamps.Count == 0)
        {
            throw new DataFormatException(path, null, null, "has a header but no data rows");
        }

        var array = values.ToArray();
        if (gaps > 0 && missing is MissingValues.Interpolate or MissingValues.Ffill)
        {
            GapFilling.Fill(array, valueIndex.Length, missing, c => new DataFormatException(path, null, header[valueIndex[c]], "has no number at all; nothing to fill its gaps from"));
        }

        var names = valueIndex.Select(i => header[i]).ToArray();
        return new Series(timestamps, names, array, labels)
        {
            FilledValues = missing is MissingValues.Interpolate or MissingValues.Ffill ? gaps : 0,
            DroppedRows = droppedRows,
            Rounded = rounding.Coarse(names),
        };
    }

    /// <summary>The most frequent of <c>,</c>, <c>;</c> and tab in the header line (comma on a tie or none).</summary>
    /// <param name="header">The first line.</param>
    public static string DetectDelimiter(string header)
    {
        var counts = new[] { ",", ";", "\t" }.Select(d => (d, n: header.Count(ch => ch == d[0]))).ToArray();
        var best = counts.MaxBy(x => x.n);
        return best.n == 0 ? "," : best.d;
    }
}
