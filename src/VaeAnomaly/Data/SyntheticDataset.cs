namespace VaeAnomaly.Data;

/// <summary>The three splits of synthetic-v1, sharing one set of pattern clusters.</summary>
/// <param name="Train">Training split.</param>
/// <param name="Validation">Validation split (normal only).</param>
/// <param name="Test">Test split with exactly round(ratio * n) anomalies.</param>
public sealed record SyntheticDataset(SyntheticSplit Train, SyntheticSplit Validation, SyntheticSplit Test);
