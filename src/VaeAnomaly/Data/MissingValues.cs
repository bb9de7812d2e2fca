namespace VaeAnomaly.Data;

/// <summary>What a reader does with an empty, NaN or infinite cell.</summary>
public enum MissingValues
{
    /// <summary>Stop with an error naming the file, line and column (the default: gaps are not filled silently).</summary>
    Error,

    /// <summary>Linear interpolation between the nearest values before and after in the same column (the nearest one at the ends).</summary>
    Interpolate,

    /// <summary>Carry the last value forward (the first value backward at the start).</summary>
    Ffill,

    /// <summary>Drop every row that has a missing value.</summary>
    Drop,
}
