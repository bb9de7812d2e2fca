namespace VaeAnomaly.Data;

/// <summary>What a reader does with a gap: an empty cell, NaN or infinity, or a missing-value marker (<c>NA</c>, <c>N/A</c>, <c>null</c>, <c>None</c>).</summary>
public enum MissingValues
{
    /// <summary>Stop with an error naming the file, line and column (the default: gaps are not filled silently).</summary>
    Error,

    /// <summary>Linear interpolation between the nearest values before and after in the same column (the nearest one at the ends).</summary>
    Interpolate,

    /// <summary>Carry the last value forward (the first value backward at the start).</summary>
    Ffill,

    /// <summary>Drop every row (or record) that has a missing value.</summary>
    Drop,

    /// <summary>
    /// Records only: the column's mean over the training records (a z-score of 0 in the model's input), as scikit-learn's
    /// <c>SimpleImputer</c> fills. A series or a sequence has an order to fill from, so its readers refuse it.
    /// </summary>
    Mean,

    /// <summary>
    /// Records only: what the record's other numbers lead one to expect, given how the columns vary together in the
    /// training records (the conditional mean of a Gaussian fitted to them, <see cref="TabularEncoder.Covariance"/>).
    /// Where columns move together, a normal record with a gap stays normal, where the plain mean can make it look unusual.
    /// </summary>
    Conditional,
}
