namespace VaeAnomaly.Training;

/// <summary>Optimisation settings of <see cref="Trainer"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>Largest number of epochs.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate (the peak rate under the cosine schedule).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Gradients are rescaled so their global L2 norm is at most this; 0 disables clipping.</summary>
    public double GradientClipNorm { get; init; } = 5.0;

    /// <summary>Beta rises linearly from 0 to its full value over this many epochs; 0 disables warm-up.</summary>
    public int KlWarmupEpochs { get; init; }

    /// <summary>Cosine learning-rate decay to zero over the run, after <see cref="LearningRateWarmupEpochs"/>.</summary>
    public bool CosineSchedule { get; init; }

    /// <summary>Linear learning-rate warm-up epochs (with the cosine schedule).</summary>
    public int LearningRateWarmupEpochs { get; init; }

    /// <summary>Stop after this many epochs without a better validation loss; 0 disables early stopping.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Steps between training windows when the model reads windows; 0 means a quarter of the window.</summary>
    public int WindowStride { get; init; }

    /// <summary>Seed of batch order and sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Computes each step's loss and gradients with <see cref="Performance.FusedBackprop"/> (C# kernels, the
    /// same gradients to float rounding, several times less time on a CPU); false uses libtorch's autograd on
    /// the module, the straightforward path.
    /// </summary>
    public bool FusedKernels { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1)
        {
            throw new ArgumentException("epochs and batch size must be positive");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentException($"learning rate must be a positive number, got {LearningRate}");
        }

        if (GradientClipNorm < 0 || KlWarmupEpochs < 0 || LearningRateWarmupEpochs < 0 || Patience < 0 || WindowStride < 0)
        {
            throw new ArgumentException("clip norm, warm-up epochs, patience and window stride must not be negative");
        }
    }

    /// <summary>The learning rate for <paramref name="epoch"/> (0-based).</summary>
    public double LearningRateAt(int epoch)
    {
        if (!CosineSchedule)
        {
            return LearningRate;
        }

        if (epoch < LearningRateWarmupEpochs)
        {
            return LearningRate * (epoch + 1) / LearningRateWarmupEpochs;
        }

        var span = Math.Max(1, Epochs - LearningRateWarmupEpochs);
        var progress = (double)(epoch - LearningRateWarmupEpochs) / span;
        return 0.5 * LearningRate * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>The fraction of the full beta used in <paramref name="epoch"/> (0-based).</summary>
    public double BetaFractionAt(int epoch) =>
        KlWarmupEpochs == 0 ? 1.0 : Math.Min(1.0, (double)(epoch + 1) / (KlWarmupEpochs + 1));
}
