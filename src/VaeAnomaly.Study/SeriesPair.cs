using VaeAnomaly.Data;

namespace VaeAnomaly.Study;

/// <summary>One pair of a <see cref="SeriesBenchmark"/> folder, read.</summary>
/// <param name="Name">The pair's name.</param>
/// <param name="TrainPath">The train file.</param>
/// <param name="TestPath">The test file.</param>
/// <param name="Train">Its normal series.</param>
/// <param name="Test">Its labelled series.</param>
public sealed record SeriesPair(string Name, string TrainPath, string TestPath, Series Train, Series Test);
