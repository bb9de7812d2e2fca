namespace VaeAnomaly.Study;

/// <summary>One label-free rule over the files of a <see cref="SeriesBenchmark"/> run where it could be fitted.</summary>
/// <param name="Files">Files where the rule had a threshold.</param>
/// <param name="MeanF1">Mean F1 at its threshold.</param>
/// <param name="MeanFlaggedNormal">Mean share of normal rows flagged.</param>
/// <param name="MeanBestF1">Mean <see cref="RuleOutcome.BestF1"/> over the same files, for a rule that flags scores of its own; null otherwise.</param>
public sealed record RuleSummary(int Files, double MeanF1, double MeanFlaggedNormal, double? MeanBestF1 = null);
