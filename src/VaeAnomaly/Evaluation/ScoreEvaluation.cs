namespace VaeAnomaly.Evaluation;

/// <summary>Everything measured about one score on a labelled set.</summary>
/// <param name="Name">Score kind name, e.g. <c>combined</c>.</param>
/// <param name="Metrics">Threshold-free metrics.</param>
/// <param name="Threshold">The fitted threshold's outcome, or null when none was fitted.</param>
public sealed record ScoreEvaluation(string Name, ScoreMetrics Metrics, ThresholdOutcome? Threshold);
