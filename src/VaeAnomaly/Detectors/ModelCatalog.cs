using VaeAnomaly.Data;
using VaeAnomaly.Models;

namespace VaeAnomaly.Detectors;

/// <summary>
/// Every model a comparison can train, by name: the three autoencoder families in three versions each (v1 plain,
/// v2 with dropout 0.2 and L2 weight decay 1e-4, v3 wider), the dense VAE and the GRU-VAE. A new model is one
/// detector class and one line here.
/// </summary>
public static class ModelCatalog
{
    private static readonly DenseOptions Plain = new() { Epochs = 30, BatchSize = 64, Patience = 5 };
    private static readonly DenseOptions Regularised = Plain with { Dropout = 0.2, WeightDecay = 1e-4 };

    private static IReadOnlyList<BaselineSpec> Baselines { get; } =
    [
        new("dense-ae v1", "flattened 32-step window, 64 -> 32 -> 64, sigmoid output on min-max input", WindowAutoencoderDetector.Dense, Plain with { Hidden = [64], Latent = 32, Scaler = ScalerKind.MinMax, SigmoidOutput = true }),
        new("dense-ae v2", "v1 with dropout 0.2 and L2 1e-4", WindowAutoencoderDetector.Dense, Regularised with { Hidden = [64], Latent = 32, Scaler = ScalerKind.MinMax, SigmoidOutput = true }),
        new("dense-ae v3", "wider: 256 -> 64 -> 256", WindowAutoencoderDetector.Dense, Plain with { Hidden = [256], Latent = 64, Scaler = ScalerKind.MinMax, SigmoidOutput = true }),
        new("lstm-ae v1", "LSTM 32, sequence to sequence", WindowAutoencoderDetector.Lstm, Plain with { Hidden = [32] }),
        new("lstm-ae v2", "v1 with dropout 0.2 on the code and L2 1e-4", WindowAutoencoderDetector.Lstm, Regularised with { Hidden = [32] }),
        new("lstm-ae v3", "wider: LSTM 64", WindowAutoencoderDetector.Lstm, Plain with { Hidden = [64] }),
        new("conv-ae v1", "Conv1d 32, 16 (kernel 7) + max-pool, transposed-conv decoder", WindowAutoencoderDetector.Conv, Plain with { Hidden = [32, 16] }),
        new("conv-ae v2", "v1 with dropout 0.2 and L2 1e-4", WindowAutoencoderDetector.Conv, Regularised with { Hidden = [32, 16] }),
        new("conv-ae v3", "wider: Conv1d 64, 32", WindowAutoencoderDetector.Conv, Plain with { Hidden = [64, 32] }),
        new("dense-vae", "flattened window, 128 -> 64 -> latent 16, beta 1", WindowAutoencoderDetector.Dense, DenseOptions.Vae with { Epochs = 30, BatchSize = 64, Patience = 5 }),
    ];

    /// <summary>The models, in table order.</summary>
    public static IReadOnlyList<CatalogEntry> All { get; } =
    [
        .. Baselines.Select(b => new CatalogEntry(b.Name, b.Description, s => new WindowAutoencoderDetector(b.Family, b.Options with { Seed = s }))),
        new("gru-vae", "the default configuration", s =>
        {
            var c = GruVaeConfiguration.Default;
            return new GruVaeDetector(c.Model with { Seed = s }, c.Training with { Seed = s }, c.Scoring);
        }),
    ];

    /// <summary>The window family and options of a baseline entry, for commands that build it with their own overrides.</summary>
    /// <param name="name">An entry's name, e.g. <c>conv-ae v2</c>; a bare family name means its v1.</param>
    /// <exception cref="ArgumentException">Not a baseline's name.</exception>
    public static (string Family, DenseOptions Options) Baseline(string name)
    {
        var found = Baselines.FirstOrDefault(b => b.Name == name) ?? Baselines.FirstOrDefault(b => b.Name == name + " v1")
            ?? throw new ArgumentException($"Unknown baseline '{name}'; expected one of {string.Join(", ", Baselines.Select(b => b.Name))}.");
        return (found.Family, found.Options);
    }


    /// <summary>The entries named in <paramref name="names"/> (<c>all</c> for every one; a bare family name such as <c>lstm-ae</c> takes its three versions).</summary>
    /// <param name="names">Comma-separated names.</param>
    /// <exception cref="ArgumentException">A name matches nothing.</exception>
    public static IReadOnlyList<CatalogEntry> Select(string names)
    {
        if (names.Trim() == "all")
        {
            return All;
        }

        var picked = new List<CatalogEntry>();
        foreach (var name in names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var matches = All.Where(e => e.Name == name || e.Name.StartsWith(name + " ", StringComparison.Ordinal)).ToArray();
            picked.AddRange(matches.Length > 0 ? matches
                : throw new ArgumentException($"Unknown model '{name}'; expected all, or among {string.Join(", ", All.Select(e => e.Name.Split(' ')[0]).Distinct())} (optionally with a version: 'lstm-ae v2')."));
        }

        return [.. picked.Distinct()];
    }

    private sealed record BaselineSpec(string Name, string Description, string Family, DenseOptions Options);
}
