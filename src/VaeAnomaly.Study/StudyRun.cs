using System.Text.Json.Serialization;
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
public sealed record StudyRun(int Seed, double Beta, IReadOnlyDictionary<string, ScoreMetrics> Scores, int Epochs, double Seconds, int ActiveUnits, double ValidationReconstruction, LatentSeparation Separation)
{
    /// <summary>Mean KL of each latent dimension on the validation data (nats).</summary>
    public double[] KlPerDimension { get; init; } = [];

    /// <summary>Posterior means of the test sequences (for the latent plot; not written to study.json).</summary>
    [JsonIgnore]
    public IReadOnlyList<float[]> TestLatentMeans { get; init; } = [];

    /// <summary>Anomaly type of each test sequence (<c>normal</c> for normals; not written to study.json).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> TestTypes { get; init; } = [];
}
