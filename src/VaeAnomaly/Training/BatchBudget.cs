namespace VaeAnomaly.Training;

/// <summary>
/// How many time steps one training batch of windows may hold. The recurrent and convolutional models keep every
/// layer's activations for each step of each window in a batch (for backpropagation), so memory grows with batch x
/// window: 52,000 windows of 1,024 steps in one batch (<c>--batch-size 65536</c>) took a conv-ae past 24 GB in 13 s.
/// </summary>
public static class BatchBudget
{
    /// <summary>Most steps in one batch: with 64 features a step, 256 MB for each layer's activations; the defaults use 2,048 (64 windows of 32).</summary>
    public const int MaxSteps = 1 << 20;

    /// <summary>Refuses a batch of windows that would hold more than <see cref="MaxSteps"/> steps, before any training.</summary>
    /// <param name="batchSize">Windows per batch asked for.</param>
    /// <param name="windows">Training windows there are (a batch holds at most these).</param>
    /// <param name="window">Steps per window.</param>
    /// <exception cref="ArgumentException">The batch would be larger, with the batch size that fits.</exception>
    public static void Check(int batchSize, int windows, int window)
    {
        var perBatch = Math.Min(batchSize, windows);
        var steps = (long)perBatch * window;
        if (steps > MaxSteps)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"A batch of {perBatch:N0} windows of {window:N0} steps holds {steps:N0} steps, whose activations the model keeps for each layer; at most {MaxSteps:N0} fit: use --batch-size {Math.Max(1, MaxSteps / window)} or less, or a shorter window (--window)."));
        }
    }
}
