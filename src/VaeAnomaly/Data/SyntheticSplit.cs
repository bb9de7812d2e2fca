namespace VaeAnomaly.Data;

/// <summary>One generated split: the labelled set and, per sequence, the injected anomaly (null when normal).</summary>
/// <param name="Set">Sequences with labels.</param>
/// <param name="Anomalies">Aligned with <see cref="SequenceSet.Sequences"/>.</param>
public sealed record SyntheticSplit(SequenceSet Set, IReadOnlyList<InjectedAnomaly?> Anomalies);
