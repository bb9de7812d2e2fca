using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Detectors;

/// <summary>
/// A fitted model whose thresholds can be fitted anew on other normal data while the model stays as trained: a
/// deployment's recent normal rows, where the validation part did not show what later normal operation looks like
/// (<c>vae-anomaly calibrate</c>; <see cref="Calibration.Apply"/>).
/// </summary>
public interface IRecalibrates
{
    /// <summary>
    /// Every score the thresholds are fitted on, computed on <paramref name="normal"/> as fitting computed them on the
    /// validation part, with the scaler and score calibrations fitted in training.
    /// </summary>
    /// <param name="normal">Normal data of the model's columns.</param>
    /// <param name="ct">Stops the scoring.</param>
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> ThresholdScores(SequenceSet normal, CancellationToken ct = default);

    /// <summary>
    /// Rows at the start of each series of other normal data that <see cref="ThresholdScores"/> leaves out: a model that
    /// judges each row by the rows before it and starts from the training rows it keeps (<c>gaussian</c>,
    /// <c>seasonal</c>) would judge them against rows that did not come before them. 0 for every other model.
    /// </summary>
    int LeftOutRows => 0;

    /// <summary>
    /// Uses <paramref name="thresholds"/> from now on (a detector's own floor still applies) and records where they came
    /// from; nothing else changes. The one change a fitted detector takes in place: calibrate a copy that nothing else
    /// scores with at the time (a loaded bundle), then save it.
    /// </summary>
    /// <param name="thresholds">Thresholds fitted on <see cref="ThresholdScores"/>.</param>
    /// <param name="calibration">The data they were fitted on.</param>
    void Recalibrate(ThresholdSet thresholds, CalibrationInfo calibration);
}

/// <summary>Fits a detector's thresholds anew on other normal data (<see cref="IRecalibrates"/>).</summary>
public static class Calibration
{
    /// <summary>
    /// Fits every rule on <paramref name="detector"/>'s scores of <paramref name="normal"/>, flags by <paramref name="rule"/>
    /// from then on, and records the data in its <see cref="IFittedDetector.TrainingData"/>; returns the thresholds it used
    /// before and the scores the new ones were fitted on.
    /// </summary>
    /// <param name="detector">A loaded or fitted detector.</param>
    /// <param name="normal">Normal data of its columns.</param>
    /// <param name="rule">One of <see cref="ThresholdRules.Names"/>.</param>
    /// <param name="source">The data's file, as given.</param>
    /// <param name="ct">Stops the scoring.</param>
    /// <exception cref="ArgumentException">A detector that cannot be calibrated, an unknown rule, or data it cannot score.</exception>
    public static (ThresholdSet Before, IReadOnlyList<KeyValuePair<string, IReadOnlyList<float>>> Scores) Apply(IFittedDetector detector, SequenceSet normal, string rule, string source, CancellationToken ct = default)
    {
        if (detector is not IRecalibrates calibrated)
        {
            throw new ArgumentException($"A {detector.Name} model's thresholds cannot be fitted anew on other data.");
        }

        if (!ThresholdRules.Names.Contains(rule))
        {
            throw new ArgumentException($"Unknown threshold rule '{rule}'; expected one of {string.Join(", ", ThresholdRules.Names)} (a number is given at score with --threshold).");
        }

        var before = detector.Thresholds;
        var scores = calibrated.ThresholdScores(normal, ct);
        var fitted = ThresholdSet.Fit(scores, rule, before.Primary);
        calibrated.Recalibrate(fitted, new CalibrationInfo(normal.Count, normal.TotalSteps, DataFingerprint.Of(normal), source));
        return (before, scores);
    }
}
