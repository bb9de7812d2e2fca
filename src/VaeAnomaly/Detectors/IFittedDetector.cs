using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Detectors;

/// <summary>
/// A fitted detector: scores, the thresholds fitted on normal validation data, and what it was trained on. What else a
/// model can do (score points of a series, reconstruct, give several score kinds, read records) is a capability a
/// caller asks for (<see cref="IScoresPoints"/>, <see cref="IReconstructs"/>, ...), never a type it tests.
/// </summary>
public interface IFittedDetector : IDisposable
{
    /// <summary>The model's name, as <c>--model</c> takes it.</summary>
    string Name { get; }

    /// <summary>Channel (or encoded column) names in model order; data must have the same.</summary>
    IReadOnlyList<string> Channels { get; }

    /// <summary>The columns the scores measure (<see cref="DetectorSettings.TargetColumns"/>); every one of <see cref="Channels"/> unless the model was asked to watch some.</summary>
    IReadOnlyList<string> Watches => Channels;

    /// <summary>Every threshold, fitted once on validation scores; <see cref="ThresholdSet.Rule"/> is the rule in use.</summary>
    ThresholdSet Thresholds { get; }

    /// <summary>The training history, one row per epoch run (empty for a model fitted in one pass or a bundle without one).</summary>
    IReadOnlyList<EpochReport> History { get; }

    /// <summary>What the model was trained on.</summary>
    TrainingDataInfo TrainingData { get; }

    /// <summary>One score per sequence (or record); higher is more anomalous. The primary score of <see cref="Thresholds"/>.</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    float[] Score(SequenceSet data);

    /// <summary>Writes the model as a bundle (<c>model.json</c>, weights, <c>history.csv</c>); <see cref="DetectorRegistry.Load"/> reads it back.</summary>
    /// <param name="directory">An existing, empty folder (a staging folder: see <see cref="IO.StagedDirectory"/>).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist; nothing is created.</exception>
    /// <exception cref="IOException">The folder holds anything (named in the message); nothing is written.</exception>
    void Save(string directory);
}
