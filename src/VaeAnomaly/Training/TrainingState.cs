using static TorchSharp.torch;

namespace VaeAnomaly.Training;

/// <summary>Everything a training run needs to continue after its last completed epoch exactly as if never stopped.</summary>
internal sealed class TrainingState : IDisposable
{
    /// <summary>Identifies the run's settings and data; a resumed run must present the same key.</summary>
    public required string RunKey { get; init; }

    /// <summary>Epochs completed.</summary>
    public required int EpochsDone { get; init; }

    /// <summary>True when the run had already stopped (all epochs or early stopping) when this was saved.</summary>
    public required bool Finished { get; init; }

    /// <summary>Best validation objective so far.</summary>
    public required double BestLoss { get; init; }

    /// <summary>Epochs since the best one.</summary>
    public required int SinceBest { get; init; }

    /// <summary>Adam updates made.</summary>
    public required long AdamSteps { get; init; }

    /// <summary>The history so far.</summary>
    public required IReadOnlyList<EpochReport> History { get; init; }

    /// <summary>Named tensors: <c>model.*</c>, <c>best.*</c>, <c>adam.m.i</c>, <c>adam.v.i</c>, <c>sampler</c>. Owned by this object.</summary>
    public required IReadOnlyList<(string Name, Tensor Value)> Tensors { get; init; }

    /// <summary>The tensors whose names start with <paramref name="prefix"/>, keyed by the rest of the name.</summary>
    /// <param name="prefix">Name prefix.</param>
    public Dictionary<string, Tensor> WithPrefix(string prefix) =>
        Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(t => t.Name[prefix.Length..], t => t.Value);

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <param name="name">Full name.</param>
    public Tensor Get(string name) => Tensors.First(t => t.Name == name).Value;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, t) in Tensors)
        {
            t.Dispose();
        }
    }
}
