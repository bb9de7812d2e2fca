using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: a model that can be trained on CSV records, and then encodes new ones as it encoded those.</summary>
public interface IReadsRecords
{
    /// <summary>How raw records become the model's inputs (one-hot text, z-scored numbers); null when it was trained on sequences.</summary>
    TabularEncoder? Encoder { get; }
}
