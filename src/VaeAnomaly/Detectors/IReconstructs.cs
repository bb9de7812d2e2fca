using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model reconstructs sequences, in the data's own units (posterior means for a VAE).</summary>
public interface IReconstructs
{
    /// <summary>One reconstruction per sequence, row-major (time, channels).</summary>
    /// <param name="data">Unscaled sequences with the training channels.</param>
    float[][] Reconstruct(SequenceSet data);
}
