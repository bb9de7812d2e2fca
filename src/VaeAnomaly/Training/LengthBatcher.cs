using VaeAnomaly.Data;

namespace VaeAnomaly.Training;

/// <summary>Groups sequences of similar length into batches so little time is spent on padding.</summary>
internal static class LengthBatcher
{
    /// <summary>Index batches of at most <paramref name="batchSize"/> sequences of neighbouring lengths.</summary>
    /// <param name="set">The sequences.</param>
    /// <param name="batchSize">Largest batch.</param>
    /// <param name="rng">With a generator, ties in length are broken at random and the batch order is shuffled (training); without, the order is fixed (scoring).</param>
    public static IReadOnlyList<int[]> Batches(SequenceSet set, int batchSize, Random? rng = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = Enumerable.Range(0, set.Count).ToArray();
        var tieBreak = new double[set.Count];
        if (rng is not null)
        {
            for (var i = 0; i < tieBreak.Length; i++)
            {
                tieBreak[i] = rng.NextDouble();
            }
        }

        order = [.. order.OrderBy(set.LengthOf).ThenBy(i => tieBreak[i]).ThenBy(i => i)];
        var batches = order.Chunk(batchSize).ToArray();
        rng?.Shuffle(batches);
        return batches;
    }
}
