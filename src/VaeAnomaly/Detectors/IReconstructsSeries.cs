using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>A capability: the model reconstructs a series, in the data's own units (for errors such as MAE and RMSE).</summary>
public interface IReconstructsSeries
{
    /// <summary>The series as the model reconstructs it, row-major (time, channels).</summary>
    /// <param name="series">One unscaled sequence with the training channels.</param>
    float[] ReconstructSeries(SequenceSet series);
}
