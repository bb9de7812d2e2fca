using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>The rows an <see cref="IExplainsPoints.Explain"/> reads.</summary>
internal static class ExplainedRows
{
    /// <summary>The last <paramref name="wanted"/> rows of <paramref name="rows"/>, or all of them when there are fewer but at least <paramref name="minimum"/>.</summary>
    /// <exception cref="ArgumentException">Not one sequence, or fewer than <paramref name="minimum"/> rows.</exception>
    public static SequenceSet Last(SequenceSet rows, int wanted, int minimum)
    {
        if (rows.Count != 1 || rows.LengthOf(0) < minimum)
        {
            throw new ArgumentException($"An explanation reads one sequence of at least {minimum} rows (the rows up to the one explained); got {rows.Count} sequences of [{IO.Messages.List(rows.Sequences.Select((_, i) => $"{rows.LengthOf(i)}"))}] rows.", nameof(rows));
        }

        var (length, c) = (rows.LengthOf(0), rows.ChannelNames.Count);
        var kept = Math.Min(wanted, length);
        return kept == length ? rows : new SequenceSet(rows.ChannelNames, [new Sequence(rows.Sequences[0].Id, rows.Sequences[0].Values[((length - kept) * c)..])]);
    }
}
