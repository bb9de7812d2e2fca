namespace VaeAnomaly.Training;

/// <summary>The loss became NaN or infinite; training stopped.</summary>
/// <param name="epoch">1-based epoch.</param>
/// <param name="batch">1-based batch within the epoch.</param>
/// <param name="learningRate">The learning rate in use.</param>
public sealed class TrainingDivergedException(int epoch, int batch, double learningRate)
    : Exception($"The training loss became NaN or infinite in epoch {epoch}, batch {batch}. " +
                $"Try a lower learning rate (now {learningRate:G3}), a smaller gradient clip norm, or check that the input is scaled (z-scored) and has no extreme values.")
{
    /// <summary>1-based epoch.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>1-based batch within the epoch.</summary>
    public int Batch { get; } = batch;
}
