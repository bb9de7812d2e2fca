namespace VaeAnomaly.Study;

/// <summary>One label-free rule over the files of a <see cref="SeriesBenchmark"/> run where it could be fitted.</summary>
/// <param name="Files">Files where the rule had a threshold.</param>
/// <param name="MeanF1">Mean F1 at its threshold over those of the files with anomalies (null when none has one).</param>
/// <param name="MeanFlaggedNormal">Mean share of normal rows flagged, over every file where it had a threshold.</param>
/// <param name="MeanBestF1">Mean <see cref="RuleOutcome.BestF1"/> over the same files as <paramref name="MeanF1"/>, for a rule that flags scores of its own; null otherwise.</param>
/// <param name="MeanAucPr">Mean <see cref="RuleOutcome.AucPr"/> over the same files, for a rule that flags scores of its own; null otherwise.</param>
public sealed record RuleSummary(int Files, double? MeanF1, double MeanFlaggedNormal, double? MeanBestF1 = null, double? MeanAucPr = null);
