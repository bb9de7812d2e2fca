using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>Every score kind of one set, aligned with its sequences.</summary>
/// <param name="Parts">Reconstruction, KL and per-step errors.</param>
/// <param name="Combined">The combined score.</param>
public sealed record DetectorScores(SequenceScores Parts, float[] Combined);
