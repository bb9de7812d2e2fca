using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>How a series was scored, for its report.</summary>
/// <param name="Scores">Per row.</param>
/// <param name="Threshold">Scores above it are flagged.</param>
/// <param name="Rule">The threshold rule (or <c>surprise</c>).</param>
/// <param name="Scoring">How a row's score is made from the windows, in words (e.g. <c>last</c>).</param>
/// <param name="Evaluation">The point metrics of <paramref name="Scores"/> against the series' labels; null for an unlabelled series.</param>
/// <param name="Explain">Why a row scored as it did (<see cref="Detectors.StepExplanations"/> its score read); null for a model that explains nothing, or a row it cannot explain.</param>
public sealed record SeriesScoring(IReadOnlyList<float> Scores, double Threshold, string Rule, string Scoring, PointEvaluation? Evaluation, Func<int, Attribution?>? Explain);
