namespace VaeAnomaly.Data;

/// <summary>A multivariate time series read from one CSV file.</summary>
/// <param name="Timestamps">The time column's text of each row, in file order.</param>
/// <param name="ChannelNames">Value column names.</param>
/// <param name="Values">Row-major (time, channels).</param>
/// <param name="Labels">Per row 0/1 from a label column, or null.</param>
/// <exception cref="ArgumentException">No channel, values that are not one row per timestamp, or labels that are not one per row.</exception>
public sealed record Series(IReadOnlyList<string> Timestamps, IReadOnlyList<string> ChannelNames, float[] Values, IReadOnlyList<bool>? Labels)
{
    // Checked as the record is made (a with-expression copies the check's result), so a series built in code has one
    // row of values per timestamp, as a series read from a file has: its slices, splits and scores' files rely on it.
    private readonly bool consistent = Consistent(Timestamps, ChannelNames, Values, Labels);

    /// <summary>Cells filled by interpolation or forward fill while reading.</summary>
    public int FilledValues { get; init; }

    /// <summary>Rows dropped for missing values while reading.</summary>
    public int DroppedRows { get; init; }

    /// <summary>Value columns that 32-bit floats hold only coarsely next to how much they vary, found while reading (<see cref="FloatRounding"/>).</summary>
    public IReadOnlyList<RoundedColumn> Rounded { get; init; } = [];

    /// <summary>Number of rows (time steps).</summary>
    public int Length => Timestamps.Count;

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    /// <param name="start">First row.</param>
    /// <param name="count">Number of rows.</param>
    public Series Slice(int start, int count)
    {
        var c = ChannelNames.Count;
        return new Series(
            Timestamps.Skip(start).Take(count).ToArray(),
            ChannelNames,
            Values.AsSpan(start * c, count * c).ToArray(),
            Labels?.Skip(start).Take(count).ToArray());
    }

    /// <summary>The whole series as a one-sequence set (windowed models cut it into windows themselves).</summary>
    /// <param name="id">The sequence's id.</param>
    public SequenceSet AsSequenceSet(string id = "series") => new(ChannelNames, [new Sequence(id, Values)]);

    /// <summary>Chronological split by fractions, e.g. 0.7, 0.15 (the rest is the third part).</summary>
    /// <param name="train">Fraction of rows for training.</param>
    /// <param name="validation">Fraction of rows for validation.</param>
    public (Series Train, Series Validation, Series Test) Split(double train, double validation)
    {
        if (train <= 0 || validation <= 0 || train + validation > 1 + 1e-9)
        {
            throw new ArgumentException($"split fractions must be positive with train + validation <= 1, got {train} and {validation}");
        }

        var nTrain = (int)Math.Floor(train * Length);
        var nValidation = Math.Min(Length - nTrain, (int)Math.Floor((validation * Length) + 1e-9));
        return (Slice(0, nTrain), Slice(nTrain, nValidation), Slice(nTrain + nValidation, Length - nTrain - nValidation));
    }

    private static bool Consistent(IReadOnlyList<string> timestamps, IReadOnlyList<string> channels, float[] values, IReadOnlyList<bool>? labels)
    {
        if (channels.Count == 0)
        {
            throw new ArgumentException("A series needs at least one value column; got none.");
        }

        if (values.Length != (long)timestamps.Count * channels.Count || (labels is not null && labels.Count != timestamps.Count))
        {
            throw new ArgumentException($"A series of {timestamps.Count} timestamps and {channels.Count} channels holds {timestamps.Count * (long)channels.Count} values"
                + $"{(labels is null ? "" : " and as many labels as timestamps")}; got {values.Length} values{(labels is null ? "" : $" and {labels.Count} labels")}.");
        }

        return true;
    }
}
