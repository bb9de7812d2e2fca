using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace VaeAnomaly.Data;

/// <summary>
/// Reads a time series from an Apache Parquet file (<c>.parquet</c>, read with Parquet.Net), as
/// <see cref="SeriesCsvReader"/> reads a CSV one: a time column (a date and time, a date, text or a number), numeric
/// value columns of any width, optionally a 0/1 or true/false label column. Nulls, NaN and infinities are the missing
/// values of <see cref="MissingValues"/>; a text or nested column among the values is refused by name.
/// </summary>
public static class SeriesParquetReader
{
    /// <summary>True when <paramref name="path"/> names a Parquet file (by its extension).</summary>
    /// <param name="path">A file path.</param>
    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the file.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="timeColumn">Time column name; null tries <see cref="SeriesCsvReader.TimeColumnNames"/>.</param>
    /// <param name="columns">Value columns to keep; null keeps every column but the time and label columns.</param>
    /// <param name="labelColumn">A 0/1 label column, or null.</param>
    /// <param name="missing">What to do with nulls, NaN and infinities.</param>
    /// <param name="ct">Observed before each row group: Ctrl+C in the tool stops a long read.</param>
    /// <exception cref="DataFormatException">The file is missing, not Parquet, or holds what a series cannot.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static Series Read(string path, string? timeColumn = null, IReadOnlyList<string>? columns = null, string? labelColumn = null, MissingValues missing = MissingValues.Error, CancellationToken ct = default) =>
        Using(path, reader => Read(path, reader, timeColumn, columns, labelColumn, GapFilling.ForRowsInOrder(missing), ct));

    private static Series Read(string path, ParquetReader reader, string? timeColumn, IReadOnlyList<string>? columns, string? labelColumn, MissingValues missing, CancellationToken ct)
    {
        var fields = reader.Schema.Fields;
        var names = fields.Select(f => f.Name).ToArray();
        Field Find(string name, string role) => fields.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new DataFormatException(path, null, name, $"is not a column of the file, whose columns are [{IO.Messages.List(names)}]{(role == "time" ? " (name the time column with --time-column)" : "")}");

        var time = timeColumn is not null ? Find(timeColumn, "time")
            : SeriesCsvReader.TimeColumnNames.Select(n => fields.FirstOrDefault(f => f.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(f => f is not null)
            ?? fields.FirstOrDefault(f => IsPandasIndex(f) && f is DataField { ClrType: var t } && (t == typeof(DateTime) || t == typeof(DateTimeOffset)))
            ?? throw new DataFormatException(path, null, null, $"has no time column among [{IO.Messages.List(names)}]; expected {string.Join(" or ", SeriesCsvReader.TimeColumnNames)} (or name it with --time-column)");
        var label = labelColumn is null ? null : Find(labelColumn, "label");
        var values = columns is null
            ? [.. fields.Where(f => f != time && f != label && !IsPandasIndex(f))]
            : columns.Select(c => Find(c, "value")).ToArray();
        if (values.Length == 0)
        {
            throw new DataFormatException(path, null, null, "has no value columns besides the time and label columns");
        }

        var timeField = Flat(path, time, "a time");
        var labelField = label is null ? null : Flat(path, label, "0/1 labels");
        var valueFields = values.Select(f => Flat(path, f, "numbers")).ToArray();
        var rows = reader.RowGroups.Sum(g => g.RowCount);
        if (rows > TextInput.MaxRows)
        {
            throw new DataFormatException(path, null, null, $"holds {rows:N0} rows; a series holds at most {TextInput.MaxRows:N0}: split the file into parts");
        }

        if (rows == 0)
        {
            throw new DataFormatException(path, null, null, "has no rows");
        }

        if (rows * valueFields.Length > Array.MaxLength)
        {
            throw new DataFormatException(path, null, null, $"holds {rows:N0} rows of {valueFields.Length} value columns, more values than one series can hold in memory ({Array.MaxLength:N0}); pick fewer columns with --columns or split the file into parts");
        }

        var timestamps = new List<string>((int)rows);
        var data = new List<float>((int)rows * valueFields.Length);
        var labels = labelField is null ? null : new List<bool>((int)rows);
        var (gaps, dropped, first) = (0, 0, 0L);
        var rounding = new FloatRounding(valueFields.Length);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            ct.ThrowIfCancellationRequested();
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            var times = Texts(path, group, timeField, n);
            var numbers = valueFields.Select(f => Numbers(path, group, f, n)).ToArray();
            var marks = labelField is null ? null : Numbers(path, group, labelField, n);
            for (var t = 0; t < n; t++)
            {
                var row = first + t + 1; // 1-based, for the errors
                var cells = new float[valueFields.Length];
                var gap = false;
                for (var k = 0; k < cells.Length; k++)
                {
                    cells[k] = Cell(path, numbers[k][t], missing, row, valueFields[k].Name);
                    rounding.Add(k, numbers[k][t] ?? double.NaN, cells[k]);
                    gap |= float.IsNaN(cells[k]);
                    gaps += float.IsNaN(cells[k]) ? 1 : 0;
                }

                if (gap && missing == MissingValues.Drop)
                {
                    dropped++;
                    continue;
                }

                timestamps.Add(times[t] ?? throw new DataFormatException(path, null, timeField.Name, $"row {row} has no time (null); expected one in every row"));
                data.AddRange(cells);
                labels?.Add(marks![t] switch
                {
                    0 => false,
                    1 => true,
                    var other => throw new DataFormatException(path, null, labelField!.Name, $"row {row} holds {(other is { } v ? v.ToString(CultureInfo.InvariantCulture) : "null")}; expected 0 or 1"),
                });
            }

            first += n;
        }

        if (timestamps.Count == 0)
        {
            throw new DataFormatException(path, null, null, $"has no row left after dropping the {dropped} with missing values");
        }

        var array = data.ToArray();
        if (gaps > 0 && missing is MissingValues.Interpolate or MissingValues.Ffill)
        {
            GapFilling.Fill(array, valueFields.Length, missing, c => new DataFormatException(path, null, valueFields[c].Name, "has no number at all; nothing to fill its gaps from"));
        }

        string[] valueNames = [.. valueFields.Select(f => f.Name)];
        return new Series(timestamps, valueNames, array, labels)
        {
            FilledValues = missing is MissingValues.Interpolate or MissingValues.Ffill ? gaps : 0,
            DroppedRows = dropped,
            Rounded = rounding.Coarse(valueNames),
        };
    }

    /// <summary>
    /// Every column of a Parquet file as text, as a CSV of it would hold it (<see cref="Texts"/>; a null is an empty
    /// cell), for the readers that infer each column's kind from its text (records: <see cref="TabularCsvReader"/>).
    /// </summary>
    /// <param name="path">The Parquet file.</param>
    /// <returns>The column names and the rows, in file order.</returns>
    /// <param name="rows">False to read the column names only.</param>
    /// <exception cref="DataFormatException">The file is missing or not Parquet, or a column is nested.</exception>
    internal static (string[] Header, List<string[]> Rows) Cells(string path, bool rows = true) => Using<(string[], List<string[]>)>(path, reader =>
    {
        if (!rows)
        {
            return ([.. reader.Schema.Fields.Select(f => f.Name)], []);
        }

        var fields = reader.Schema.Fields.Select(f => Flat(path, f, "values")).ToArray();
        var cells = new List<string[]>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            if (cells.Count + (long)n > TextInput.MaxRows)
            {
                throw new DataFormatException(path, null, null, $"holds more than {TextInput.MaxRows:N0} rows; split the file into parts");
            }

            var columns = fields.Select(f => Texts(path, group, f, n)).ToArray();
            cells.AddRange(Enumerable.Range(0, n).Select(t => columns.Select(c => c[t] ?? "").ToArray()));
        }

        return ([.. fields.Select(f => f.Name)], cells);
    });

    /// <summary>
    /// True for the column pandas writes for a data frame's unnamed index (<c>__index_level_0__</c>, ...): row numbers or
    /// the times of a time-indexed frame, never a measurement, so it is no default value column; a time-indexed frame's is
    /// its time column when no column is named as one.
    /// </summary>
    private static bool IsPandasIndex(Field field) => field.Name.StartsWith("__index_level_", StringComparison.Ordinal);

    /// <summary>Opens the file, runs <paramref name="read"/> on it and closes it; a missing file, a folder or a file that is not Parquet is said by name.</summary>
    private static T Using<T>(string path, Func<ParquetReader, T> read)
    {
        if (Directory.Exists(path) || !File.Exists(path))
        {
            throw new DataFormatException(path, null, null, Directory.Exists(path) ? "is a folder; expected a Parquet file" : "does not exist");
        }

        using var stream = File.OpenRead(path);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            throw new DataFormatException(path, null, null, $"is not a Parquet file that can be read ({IO.Messages.Cut(e.Message)}); expected an Apache Parquet file with flat columns");
        }

        try
        {
            return read(reader);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The column as a flat data column, or an error that names it and what a series needs of it.</summary>
    private static DataField Flat(string path, Field field, string what) => field is DataField { IsArray: false } data
        ? data
        : throw new DataFormatException(path, null, field.Name, $"is a nested column ({field.SchemaType}); expected a flat column of {what}");

    /// <summary>A value cell: the number, NaN for a gap the <paramref name="missing"/> policy fills or drops, or an error naming the row.</summary>
    private static float Cell(string path, double? value, MissingValues missing, long row, string column)
    {
        if (value is { } v && double.IsFinite(v))
        {
            return Math.Abs(v) <= GapFilling.MaxMagnitude
                ? (float)v
                : throw new DataFormatException(path, null, column, $"row {row} holds {v.ToString("G6", CultureInfo.InvariantCulture)}; expected a magnitude of at most {GapFilling.MaxMagnitude:G3} (scale the column first)");
        }

        return missing == MissingValues.Error
            ? throw new DataFormatException(path, null, column, $"row {row} holds {(value is { } x ? x.ToString(CultureInfo.InvariantCulture) : "null")}; expected a finite number ({GapFilling.GapAdvice})")
            : float.NaN;
    }

    /// <summary>A numeric (or true/false) column of one row group as doubles, null where the file holds null.</summary>
    private static double?[] Numbers(string path, ParquetRowGroupReader group, DataField field, int n) => field.ClrType switch
    {
        var t when t == typeof(double) => Read<double>(group, field, n, v => v),
        var t when t == typeof(float) => Read<float>(group, field, n, v => v),
        var t when t == typeof(Half) => Read<Half>(group, field, n, v => (double)v),
        var t when t == typeof(decimal) => Read<decimal>(group, field, n, v => (double)v),
        var t when t == typeof(long) => Read<long>(group, field, n, v => v),
        var t when t == typeof(int) => Read<int>(group, field, n, v => v),
        var t when t == typeof(short) => Read<short>(group, field, n, v => v),
        var t when t == typeof(sbyte) => Read<sbyte>(group, field, n, v => v),
        var t when t == typeof(ulong) => Read<ulong>(group, field, n, v => v),
        var t when t == typeof(uint) => Read<uint>(group, field, n, v => v),
        var t when t == typeof(ushort) => Read<ushort>(group, field, n, v => v),
        var t when t == typeof(byte) => Read<byte>(group, field, n, v => v),
        var t when t == typeof(bool) => Read<bool>(group, field, n, v => v ? 1 : 0),
        var other => throw new DataFormatException(path, null, field.Name, $"holds {(IsText(field) ? "text" : other.Name)} values; expected numbers (pick the value columns with --columns)"),
    };

    /// <summary>A column of one row group as text: a date and time in ISO 8601, a number as it round-trips, true/false as 1/0, text as it is; null where the file holds null.</summary>
    private static string?[] Texts(string path, ParquetRowGroupReader group, DataField field, int n)
    {
        if (IsText(field))
        {
            var text = new string?[n];
            group.ReadAsync(field, text.AsMemory()).GetAwaiter().GetResult();
            return text;
        }

        string? Iso(DateTime v) => v.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        return field.ClrType switch
        {
            var t when t == typeof(DateTime) => Text<DateTime>(group, field, n, Iso),
            var t when t == typeof(DateTimeOffset) => Text<DateTimeOffset>(group, field, n, v => v.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)),
            var t when t == typeof(DateOnly) => Text<DateOnly>(group, field, n, v => v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            _ => [.. Numbers(path, group, field, n).Select(v => v?.ToString("R", CultureInfo.InvariantCulture))],
        };
    }

    /// <summary>True for a text column (Parquet.Net gives UTF-8 strings as <see cref="ReadOnlyMemory{T}"/> of char, or string).</summary>
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static double?[] Read<T>(ParquetRowGroupReader group, DataField field, int n, Func<T, double> convert)
        where T : struct =>
        [.. Values<T>(group, field, n).Select(v => v is { } x ? convert(x) : (double?)null)];

    private static string?[] Text<T>(ParquetRowGroupReader group, DataField field, int n, Func<T, string?> convert)
        where T : struct =>
        [.. Values<T>(group, field, n).Select(v => v is { } x ? convert(x) : null)];

    /// <summary>One row group's values of a flat column, null where the file holds null.</summary>
    private static T?[] Values<T>(ParquetRowGroupReader group, DataField field, int n)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[n];
            group.ReadAsync<T>(field, nullable.AsMemory()).GetAwaiter().GetResult();
            return nullable;
        }

        var plain = new T[n];
        group.ReadAsync<T>(field, plain.AsMemory()).GetAwaiter().GetResult();
        return [.. plain.Select(v => (T?)v)];
    }
}
