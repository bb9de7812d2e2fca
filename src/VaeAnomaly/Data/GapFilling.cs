using System.Globalization;

namespace VaeAnomaly.Data;

/// <summary>How the readers recognise missing cells and fill them (<see cref="MissingValues"/>), and the largest value they accept.</summary>
public static class GapFilling
{
    /// <summary>What a refused gap's message advises, in the command line's words (the service says it in its own).</summary>
    public const string GapAdvice = "use --missing interpolate, ffill or drop to fill gaps on purpose";

    /// <summary>Parses a value cell: a finite number, or NaN for a gap (empty, <c>nan</c> or infinity written out) that <paramref name="missing"/> allows.</summary>
    /// <param name="text">The cell.</param>
    /// <param name="missing">What to do with gaps.</param>
    /// <param name="path">File, for the error.</param>
    /// <param name="line">1-based line, for the error.</param>
    /// <param name="column">Column name, for the error.</param>
    /// <exception cref="DataFormatException">Not a number, or a gap while gaps are errors.</exception>
    internal static float ParseCell(string text, MissingValues missing, string path, long line, string column)
    {
        var isGap = IsGap(text);
        if (!isGap && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            return CheckMagnitude(v, text, path, line, column); // a number beyond a float's range reads as infinity: refused as too large
        }

        if (!isGap && MisWritten(text) is { } how)
        {
            throw new DataFormatException(path, line, column, $"found '{IO.Messages.Cut(text)}', {how}: export the file with plain numbers");
        }

        if (!isGap || missing == MissingValues.Error)
        {
            throw new DataFormatException(path, line, column,
                $"found '{IO.Messages.Cut(text)}'; expected a finite number{(isGap ? $" ({GapAdvice})" : "")}");
        }

        return float.NaN;
    }

    /// <summary>What a refused gap in a record's number column advises, in the command line's words.</summary>
    public const string RecordGapAdvice = "use --missing conditional to fill a record's gap with what its other numbers lead one to expect, --missing mean for its column's training mean, or --missing drop to leave the record out";

    /// <summary>What a gap is written as besides an empty cell, compared without regard to case (and to a sign).</summary>
    private static readonly string[] GapMarkers = ["", "nan", "inf", "infinity", "na", "n/a", "#n/a", "<na>", "null", "none"];

    /// <summary>
    /// True for a cell that is a gap, not text: empty (or blank), NaN, infinity written out, or a missing-value marker
    /// that R and pandas write or read as one (<c>NA</c>, <c>N/A</c>, <c>#N/A</c>, <c>&lt;NA&gt;</c>, <c>null</c>,
    /// <c>None</c>, any case). A number too large for a float (<c>1e39</c>) is not a gap: it is refused as too large, as
    /// <c>1e30</c> is.
    /// </summary>
    /// <param name="text">The cell.</param>
    internal static bool IsGap(string text)
    {
        var cell = text.AsSpan().Trim().TrimStart("+-");
        if (cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell[0] == '.'))
        {
            return false; // a number (or text that starts like one): the common cell, decided without parsing it
        }

        foreach (var marker in GapMarkers)
        {
            if (cell.Equals(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsNaN(v);
    }

    /// <summary>
    /// <paramref name="missing"/> for a reader of rows in order (a series or sequences), or an error for
    /// <see cref="MissingValues.Mean"/> and <see cref="MissingValues.Conditional"/>, which are for records: an ordered
    /// gap is filled from its neighbours.
    /// </summary>
    /// <param name="missing">What was asked for gaps.</param>
    /// <exception cref="ArgumentException"><paramref name="missing"/> is mean or conditional.</exception>
    internal static MissingValues ForRowsInOrder(MissingValues missing) => missing is MissingValues.Mean or MissingValues.Conditional
        ? throw new ArgumentException($"--missing {missing.ToString().ToLowerInvariant()} fills a record's gap (--records) from the training records; a series' or sequence's gaps are filled from their neighbours: use --missing interpolate or ffill, or drop the rows with --missing drop.")
        : missing;

    /// <summary>True when <paramref name="missing"/> keeps a record's gap as NaN for the encoder to fill.</summary>
    /// <param name="missing">What was asked for gaps.</param>
    internal static bool Fills(MissingValues missing) => missing is MissingValues.Mean or MissingValues.Conditional;

    /// <summary>
    /// <paramref name="missing"/> for a reader of records, or an error for <see cref="MissingValues.Interpolate"/> and
    /// <see cref="MissingValues.Ffill"/>: records have no order to fill a gap from.
    /// </summary>
    /// <param name="missing">What was asked for gaps.</param>
    /// <exception cref="ArgumentException"><paramref name="missing"/> is interpolate or ffill.</exception>
    internal static MissingValues ForRecords(MissingValues missing) => missing is MissingValues.Interpolate or MissingValues.Ffill
        ? throw new ArgumentException($"--missing {missing.ToString().ToLowerInvariant()} fills a series' gaps from the rows before and after; records have no order: {RecordGapAdvice}.")
        : missing;

    /// <summary>
    /// How a cell that is not a plain number is still one, said with the number it should be: a decimal comma
    /// (<c>1,5</c>), or thousands separators (<c>1,234.5</c>, and <c>1,234</c>, which may be either); null for any other text.
    /// </summary>
    /// <param name="text">The cell.</param>
    internal static string? MisWritten(string text)
    {
        var cell = text.Trim();
        if (!cell.Contains(',', StringComparison.Ordinal) || !cell.All(c => char.IsAsciiDigit(c) || c is ',' or '.' or '-' or '+'))
        {
            return null;
        }

        var commas = cell.Count(c => c == ',');
        var afterComma = cell.Length - cell.LastIndexOf(',') - 1;
        if (commas == 1 && !cell.Contains('.', StringComparison.Ordinal) && afterComma != 3
            && double.TryParse(cell.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return $"a number written with a decimal comma; expected a decimal point ('{cell.Replace(',', '.')}')";
        }

        return double.TryParse(cell, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _)
            ? $"a number written with thousands separators{(commas == 1 && !cell.Contains('.', StringComparison.Ordinal) ? " or a decimal comma" : "")}; expected plain digits and a decimal point ('{cell.Replace(",", "", StringComparison.Ordinal)}' if the commas separate thousands)"
            : null;
    }

    /// <summary>
    /// Largest magnitude of a value: the models compute in 32-bit floats, where the square of a larger value (a
    /// squared error) overflows to infinity (sqrt of float.MaxValue is about 1.8e19).
    /// </summary>
    public const float MaxMagnitude = 1e18f;

    /// <summary>Whether <paramref name="value"/> is a finite number within ±<see cref="MaxMagnitude"/>: what a file, a set built in code or a stream may hold.</summary>
    /// <param name="value">A value.</param>
    public static bool InRange(float value) => Math.Abs(value) <= MaxMagnitude; // false for NaN

    /// <summary><paramref name="value"/>, or an error naming the cell when it lies beyond <see cref="MaxMagnitude"/>.</summary>
    /// <param name="value">The parsed cell.</param>
    /// <param name="text">The cell as written.</param>
    /// <param name="path">File, for the error.</param>
    /// <param name="line">1-based line, for the error.</param>
    /// <param name="column">Column name, for the error.</param>
    public static float CheckMagnitude(float value, string text, string path, long line, string column) =>
        InRange(value)
            ? value
            : throw new DataFormatException(path, line, column,
                $"found '{IO.Messages.Cut(text)}'; values beyond ±1e18 are refused: the model computes in 32-bit floats, where squares of such values overflow");

    /// <summary>Fills NaN gaps column by column, in place, by interpolation or carrying values forward.</summary>
    /// <param name="values">Row-major (rows, channels).</param>
    /// <param name="channels">Values per row.</param>
    /// <param name="how"><see cref="MissingValues.Interpolate"/> or <see cref="MissingValues.Ffill"/>.</param>
    /// <param name="empty">The error for a column with no number at all (given the 0-based column).</param>
    internal static void Fill(float[] values, int channels, MissingValues how, Func<int, Exception> empty)
    {
        var rows = values.Length / channels;
        for (var c = 0; c < channels; c++)
        {
            var known = Enumerable.Range(0, rows).Where(t => !float.IsNaN(values[(t * channels) + c])).ToArray();
            if (known.Length == 0)
            {
                throw empty(c);
            }

            var next = 0; // index into known of the first known row at or after t
            for (var t = 0; t < rows; t++)
            {
                while (next < known.Length && known[next] < t)
                {
                    next++;
                }

                if (!float.IsNaN(values[(t * channels) + c]))
                {
                    continue;
                }

                var before = next > 0 ? known[next - 1] : -1;
                var after = next < known.Length ? known[next] : -1;
                float Value(int row) => values[(row * channels) + c];
                values[(t * channels) + c] = (how, before, after) switch
                {
                    (_, -1, _) => Value(after),
                    (MissingValues.Ffill, _, _) or (_, _, -1) => Value(before),
                    _ => Value(before) + ((Value(after) - Value(before)) * (t - before) / (after - before)),
                };
            }
        }
    }
}
