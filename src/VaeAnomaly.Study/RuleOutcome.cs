using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>What one label-free threshold does on a labelled test series.</summary>
/// <param name="Threshold">The rule's threshold, fitted on validation scores.</param>
/// <param name="F1">F1 of the rows above it.</param>
/// <param name="FlaggedNormal">Share of normal rows above it: how well it transfers to later normal data.</param>
public sealed record RuleOutcome(double Threshold, double F1, double FlaggedNormal)
{
    /// <summary>The outcome of <paramref name="threshold"/> on <paramref name="scores"/>.</summary>
    /// <param name="labels">Per row, true when labelled anomalous.</param>
    /// <param name="scores">Per row score.</param>
    /// <param name="threshold">Rows scoring above it are flagged.</param>
    public static RuleOutcome Of(IReadOnlyList<bool> labels, IReadOnlyList<float> scores, double threshold)
    {
        var flags = scores.Select(s => s > threshold).ToArray();
        var normal = labels.Count(l => !l);
        return new RuleOutcome(threshold, ConfusionCounts.Of(labels, flags).F1, normal == 0 ? 0 : (double)labels.Zip(flags).Count(p => !p.First && p.Second) / normal);
    }
}
