namespace VaeAnomaly.Scoring;

/// <summary>The positions of the highest scores of a list held in memory, through <see cref="TopScores{T}"/>.</summary>
public static class TopIndices
{
    /// <summary>The indices of the <paramref name="count"/> highest of <paramref name="scores"/>, highest first; among equal scores the earlier first.</summary>
    /// <param name="scores">Scores.</param>
    /// <param name="count">How many; 0 for none.</param>
    public static IReadOnlyList<int> Of(IReadOnlyList<float> scores, int count)
    {
        var best = new TopScores<int>(count);
        for (var i = 0; i < scores.Count; i++)
        {
            var index = i;
            best.Offer(scores[i], () => index);
        }

        return [.. best.Items.Select(x => x.Item)];
    }
}
