using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>What one label-free threshold does on a labelled test series.</summary>
/// <param name="Threshold">The rule's threshold, fitted on validation scores; null for a rule whose threshold varies along the series.</param>
/// <param name="F1">F1 of the rows flagged; null for a series without anomalies.</param>
/// <param name="FlaggedNormal">Share of normal rows flagged: how well it transfers to later normal data.</param>
public sealed record RuleOutcome(double? Threshold, double? F1, double FlaggedNormal)
{
    /// <summary>
    /// For a rule that flags scores of its own (smoothed ones), not the model's plain point scores: the best F1 over
    /// every threshold of those scores (labelled oracle), to set its <see cref="F1"/> beside. Null for the other rules, and
    /// for a series without anomalies.
    /// </summary>
    public double? BestF1 { get; init; }

    /// <summary>For a rule that flags scores of its own, as <see cref="BestF1"/>: the AUC-PR of those scores, to set beside the model's. Null for the other rules, and for a series without anomalies.</summary>
    public double? AucPr { get; init; }

    /// <summary>This outcome with <see cref="BestF1"/> and <see cref="AucPr"/> of <paramref name="scores"/>, the scores the rule flagged.</summary>
    /// <param name="labels">Per row, true when labelled anomalous.</param>
    /// <param name="scores">The rule's own scores.</param>
    public RuleOutcome WithRanking(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        if (!labels.Contains(true))
        {
            return this;
        }

        double[] ranked = [.. scores.Select(s => (double)s)];
        return this with { BestF1 = RankingMetrics.BestF1(labels, ranked).F1, AucPr = RankingMetrics.AveragePrecision(labels, ranked) };
    }

    /// <summary>The outcome of <paramref name="threshold"/> on <paramref name="scores"/>.</summary>
    /// <param name="labels">Per row, true when labelled anomalous.</param>
    /// <param name="scores">Per row score.</param>
    /// <param name="threshold">Rows scoring above it are flagged.</param>
    public static RuleOutcome Of(IReadOnlyList<bool> labels, IReadOnlyList<float> scores, double threshold) =>
        Of(labels, [.. scores.Select(s => s > threshold)], threshold);

    /// <summary>The outcome of a rule's <paramref name="flags"/>.</summary>
    /// <param name="labels">Per row, true when labelled anomalous.</param>
    /// <param name="flags">Per row, true when flagged.</param>
    /// <param name="threshold">The rule's threshold, or null where it varies along the series.</param>
    public static RuleOutcome Of(IReadOnlyList<bool> labels, IReadOnlyList<bool> flags, double? threshold)
    {
        var normal = labels.Count(l => !l);
        return new RuleOutcome(threshold, labels.Contains(true) ? ConfusionCounts.Of(labels, flags).F1 : null, normal == 0 ? 0 : (double)labels.Zip(flags).Count(p => !p.First && p.Second) / normal);
    }
}
