namespace VaeAnomaly.Study;

/// <summary>One label-free rule over the files of a <see cref="SeriesBenchmark"/> run where it could be fitted.</summary>
/// <param name="Files">Files where the rule had a threshold.</param>
/// <param name="MeanF1">Mean F1 at its threshold.</param>
/// <param name="MeanFlaggedNormal">Mean share of normal rows flagged.</param>
public sealed record RuleSummary(int Files, double MeanF1, double MeanFlaggedNormal);
