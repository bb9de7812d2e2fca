using System.Globalization;

namespace VaeAnomaly.Data;

/// <summary>
/// How much reading each column's numbers as 32-bit floats (what the models compute in) rounded them, next to how much
/// the column varies. A float keeps about seven significant digits, so a column that varies little around a large
/// value (a pressure of 101,325 Pa varying by hundredths, a counter near 10,000,000 varying by less than 1) loses the
/// detail that would show an anomaly without any error: the readers report such columns so the user can subtract an
/// offset first. The numbers' mean and spread are accumulated in double precision (Welford's method) from the text,
/// so a column that floats flatten entirely is caught too.
/// </summary>
/// <param name="columns">The number of value columns.</param>
public sealed class FloatRounding(int columns)
{
    /// <summary>A column is reported when its worst rounding is above this share of its standard deviation.</summary>
    public const double Share = 0.01;

    private readonly long[] count = new long[columns];
    private readonly double[] mean = new double[columns];
    private readonly double[] squares = new double[columns];
    private readonly double[] worst = new double[columns];

    /// <summary>Takes one cell: its text and the float it was read as (NaN for a gap, which is skipped).</summary>
    /// <param name="column">The value column's index.</param>
    /// <param name="text">The cell as written.</param>
    /// <param name="value">What the reader made of it.</param>
    public void Add(int column, string text, float value)
    {
        // Seven characters hold a whole number below 2^24, which a float holds exactly, or at most six significant digits
        // (a point or a sign takes one), which it rounds by less than a tenth of the last digit's unit: counted as exact,
        // so the common short cell is not parsed twice.
        if (text.Length <= 7)
        {
            Add(column, value, value);
        }
        else if (!float.IsNaN(value) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            Add(column, exact, value);
        }
    }

    /// <summary>Takes one number as the source holds it and the float it was read as (NaN for a gap, which is skipped).</summary>
    /// <param name="column">The value column's index.</param>
    /// <param name="exact">The number as the source holds it.</param>
    /// <param name="value">What the reader made of it.</param>
    public void Add(int column, double exact, float value)
    {
        if (float.IsNaN(value))
        {
            return;
        }

        var n = ++count[column];
        var delta = exact - mean[column];
        mean[column] += delta / n;
        squares[column] += delta * (exact - mean[column]);
        worst[column] = Math.Max(worst[column], Math.Abs(exact - value));
    }

    /// <summary>The columns whose worst rounding is above <see cref="Share"/> of their standard deviation, in column order.</summary>
    /// <param name="names">The value columns' names.</param>
    public IReadOnlyList<RoundedColumn> Coarse(IReadOnlyList<string> names) =>
    [
        .. Enumerable.Range(0, count.Length)
            .Where(c => count[c] > 1 && worst[c] > 0)
            .Select(c => new RoundedColumn(names[c], mean[c], Math.Sqrt(squares[c] / (count[c] - 1)), worst[c]))
            .Where(r => r.Spread > 0 && r.WorstRounding > Share * r.Spread),
    ];
}
