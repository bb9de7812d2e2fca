namespace VaeAnomaly.Study;

/// <summary>The KDD Cup 99 benchmark's split sizes and each model's result.</summary>
/// <param name="Subset">SA or full.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Train">Training normals.</param>
/// <param name="Validation">Validation normals.</param>
/// <param name="Test">Test records.</param>
/// <param name="Labels">Test labels, true for attacks.</param>
/// <param name="Models">One result per model.</param>
public sealed record KddBenchmarkResult(KddSubset Subset, int Seed, int Train, int Validation, int Test, bool[] Labels, IReadOnlyList<RecordsModelResult> Models);
