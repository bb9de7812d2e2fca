using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>The GRU-VAE as a detector: scales, trains, scores and thresholds the combined score.</summary>
/// <param name="model">Architecture and beta.</param>
/// <param name="training">Optimisation.</param>
/// <param name="scoring">Score combination.</param>
/// <param name="rule">Threshold rule; the 0.99 quantile of validation scores by default.</param>
public sealed class GruVaeDetector(GruVaeOptions model, TrainerOptions training, ScoringOptions scoring, IThresholdRule? rule = null)
    : DetectorBase(rule ?? new QuantileThreshold())
{
    private GruVae? network;

    /// <summary>The scaler fitted on the training split.</summary>
    public Standardizer? Scaler { get; private set; }

    /// <summary>The combiner fitted on validation scores.</summary>
    public ScoreCombiner? Combiner { get; private set; }

    /// <summary>Per-epoch history of the last fit.</summary>
    public IReadOnlyList<EpochReport> History { get; private set; } = [];

    /// <summary>Every score kind of <paramref name="data"/>.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    public DetectorScores ScoreAll(SequenceSet data)
    {
        var (net, scaler, combiner) = Fitted();
        var parts = GruVaeScorer.Score(net, scaler.Transform(data), scoring.McSamples, model.Seed, scoring.BatchSize);
        return new DetectorScores(parts, combiner.Combine(parts));
    }

    /// <inheritdoc />
    public override float[] Score(SequenceSet data) => ScoreAll(data).Combined;

    /// <inheritdoc />
    protected override void FitCore(SequenceSet train, SequenceSet validation, IProgress<EpochReport>? progress, CancellationToken ct)
    {
        if (validation.Channels != train.Channels)
        {
            throw new ArgumentException($"Validation has {validation.Channels} channels; training has {train.Channels}.", nameof(validation));
        }

        var options = model with { Channels = train.Channels };
        Scaler = Standardizer.Fit(train);
        var scaledTrain = Scaler.Transform(train);
        var scaledValidation = Scaler.Transform(validation);

        network?.Dispose();
        Seeding.Apply(options.Seed);
        network = new GruVae(options);
        History = new Trainer(training).Fit(network, options.Beta, scaledTrain, scaledValidation, progress, ct);

        var validationParts = GruVaeScorer.Score(network, scaledValidation, scoring.McSamples, options.Seed, scoring.BatchSize);
        Combiner = ScoreCombiner.Fit(validationParts, scoring.Lambda, scoring.Combine);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            network?.Dispose();
            network = null;
        }
    }

    private (GruVae Network, Standardizer Scaler, ScoreCombiner Combiner) Fitted() =>
        network is not null && Scaler is not null && Combiner is not null
            ? (network, Scaler, Combiner)
            : throw new InvalidOperationException("Fit the detector first.");
}
