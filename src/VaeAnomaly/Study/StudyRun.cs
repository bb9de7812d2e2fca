using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>One trained model of a study and the test metrics of each of its scores.</summary>
/// <param name="Seed">Seed of data and model.</param>
/// <param name="Beta">KL weight it was trained with.</param>
/// <param name="Scores">Score name (<c>reconstruction</c>, <c>kl</c>, <c>combined@0.5</c>, ...) to test metrics.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="Seconds">Wall time of training and scoring.</param>
/// <param name="ActiveUnits">Latent dimensions whose posterior mean varies across validation sequences (variance &gt; 0.01).</param>
/// <param name="ValidationReconstruction">Mean validation reconstruction score (MSE, scaled units).</param>
/// <param name="Separation">Latent separation of normal and anomalous test sequences.</param>
public sealed record StudyRun(int Seed, double Beta, IReadOnlyDictionary<string, ScoreMetrics> Scores, int Epochs, double Seconds, int ActiveUnits, double ValidationReconstruction, LatentSeparation Separation);
