namespace VaeAnomaly.Study;

/// <summary>One model trained and measured on one seed's synthetic-v1 data.</summary>
/// <param name="Model">Catalog name with version.</param>
/// <param name="Seed">Seed of the data and the model.</param>
/// <param name="AucPr">Average precision on the test split.</param>
/// <param name="RecallAt95">Recall at 95% precision.</param>
/// <param name="F1">F1 at the threshold fitted on validation scores (0.99 quantile).</param>
/// <param name="TrainSeconds">Fitting time, threshold included.</param>
public sealed record ComparisonRun(string Model, int Seed, double AucPr, double RecallAt95, double F1, double TrainSeconds);
