using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model tells which watched channels, and which steps, made the score of one step of a series.</summary>
public interface IExplainsWindows
{
    /// <summary>
    /// The watched channels' shares of the newest row's score and the span where its error peaks. For a window model, the
    /// shares of the squared error in scaled units of the window that ends at that row (against the model's
    /// reconstruction, or for knn against the nearest training windows); for range and gaussian, each column's own score
    /// over their sum. A share is of the model's error, not a diagnosis: a model that mixes channels can reconstruct a
    /// sound channel badly because another one broke.
    /// </summary>
    /// <param name="rows">
    /// One unscaled sequence with the training channels: the series' rows up to and including the row to explain, at least
    /// <see cref="IScoresPoints.MinimumRows"/> of them; the model reads the last <see cref="IScoresPoints.Lookback"/>.
    /// </param>
    Attribution Explain(SequenceSet rows);
}

/// <summary>The rows an <see cref="IExplainsWindows.Explain"/> reads.</summary>
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
