using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Detectors;

/// <summary>
/// A capability: a model that scores whole inputs (records, fixed-length sequences) says what made each score: each
/// column's share of it, largest first. For records a text column gathers its one-hot inputs, so the shares name the
/// CSV's columns; for a sequence a channel gathers its steps, and the span is where the error peaks.
/// </summary>
public interface IExplainsInputs
{
    /// <summary>One explanation per input of <paramref name="data"/>, in order.</summary>
    /// <param name="data">Inputs as the model scores them (records encoded by its encoder).</param>
    IReadOnlyList<Attribution> Explain(SequenceSet data);
}
