namespace VaeAnomaly.Scoring;

/// <summary>
/// The <see cref="Capacity"/> highest-scoring items of a stream, highest first, kept as the items go by so memory stays
/// bounded by the capacity whatever the stream's length; among equal scores the earlier item ranks first.
/// </summary>
/// <typeparam name="T">What is kept with each score (an id, an attribution).</typeparam>
/// <param name="capacity">Items kept; 0 keeps none.</param>
public sealed class TopScores<T>(int capacity)
{
    private readonly List<(float Score, T Item)> items = new(Math.Max(0, capacity));

    /// <summary>Items kept at most.</summary>
    public int Capacity { get; } = capacity >= 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), $"capacity must not be negative, got {capacity}");

    /// <summary>The kept items, highest score first.</summary>
    public IReadOnlyList<(float Score, T Item)> Items => items;

    /// <summary>True when a score would be kept: call before building an expensive item.</summary>
    /// <param name="score">The score.</param>
    public bool Admits(float score) => Capacity > 0 && (items.Count < Capacity || score > items[^1].Score);

    /// <summary>Offers an item; it is kept if it ranks among the top.</summary>
    /// <param name="score">Its score.</param>
    /// <param name="item">What to keep with it, built only when admitted.</param>
    public void Offer(float score, Func<T> item)
    {
        if (!Admits(score))
        {
            return;
        }

        var at = items.FindIndex(b => b.Score < score);
        items.Insert(at < 0 ? items.Count : at, (score, item()));
        if (items.Count > Capacity)
        {
            items.RemoveAt(Capacity);
        }
    }
}
