namespace VaeAnomaly.Data;

/// <summary>A value column whose numbers 32-bit floats hold only coarsely next to how much they vary (<see cref="FloatRounding"/>).</summary>
/// <param name="Column">The column's name.</param>
/// <param name="Mean">The mean of its numbers as written.</param>
/// <param name="Spread">Their standard deviation as written.</param>
/// <param name="WorstRounding">The largest difference between a number as written and the float it was read as.</param>
public sealed record RoundedColumn(string Column, double Mean, double Spread, double WorstRounding)
{
    /// <summary>What a user is told of it: how coarsely floats hold the column of <paramref name="source"/>, and the offset to subtract first.</summary>
    /// <param name="source">Where the column was read: a file's path, or the service's "the body".</param>
    public string Note(string source)
    {
        var offset = Math.Round(Mean, Math.Clamp(-(int)Math.Floor(Math.Log10(Math.Max(Spread, 1e-300))), 0, 15));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{source}: column '{IO.Messages.Cut(Column)}' varies by {Spread:G3} (standard deviation) around {Mean:G9}, where 32-bit floats, in which the models compute, hold its numbers only to within {WorstRounding:G3} ({WorstRounding / Spread:P0} of that spread): detail below that is lost. Subtract an offset from the column (e.g. {offset:G9}) before training and scoring to keep it.");
    }
}
