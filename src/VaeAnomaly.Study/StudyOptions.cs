using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Study;

/// <summary>What a study runs: every seed and beta; lambdas only recombine the same scores.</summary>
public sealed record StudyOptions
{
    /// <summary>Seeds; each varies the data (when generated) and the model.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3, 4, 5];

    /// <summary>KL weights to train with.</summary>
    public IReadOnlyList<double> Betas { get; init; } = [1, 3];

    /// <summary>KL weights of the combined score.</summary>
    public IReadOnlyList<double> Lambdas { get; init; } = [0, 0.25, 0.5, 1, 2];

    /// <summary>The model setup every run starts from.</summary>
    public GruVaeConfiguration Configuration { get; init; } = GruVaeConfiguration.Default;

    /// <summary>Generator settings (the seed is replaced by each run's).</summary>
    public SyntheticOptions Data { get; init; } = new();

    /// <summary>A folder in the synthetic-v1 layout to use instead of generating data (then seeds vary only the model).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Runs in parallel.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;
}
