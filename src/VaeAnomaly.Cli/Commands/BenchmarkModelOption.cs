using System.CommandLine;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Cli.Commands;

/// <summary>The <c>--model</c> option of the benchmark commands: the GRU-VAE or any window baseline of the catalog.</summary>
internal static class BenchmarkModelOption
{
    /// <summary>The model trained when none is named.</summary>
    public const string Default = DetectorRegistry.DefaultModel;

    /// <summary>The option, <paramref name="defaultModel"/> (else <see cref="Default"/>) by default.</summary>
    /// <param name="scope">Where it applies, e.g. "(leaderboard protocol)", or empty.</param>
    /// <param name="defaultModel">The model trained when none is named, when it is not <see cref="Default"/>.</param>
    public static Option<string> Create(string scope = "", string defaultModel = Default) => new("--model")
    {
        Description = $"Model trained per file{scope}: any model of the catalog that scores points (gru-vae, dense-ae, lstm-ae, conv-ae, dense-vae, pca, knn, iforest, range, gaussian; optionally with a version: \"conv-ae v2\"). Default: {defaultModel}.",
        DefaultValueFactory = _ => defaultModel,
    };

    /// <summary>Refuses a name the registry does not know (with a version where the model has versions), naming what it could be.</summary>
    /// <param name="name">The value given.</param>
    /// <param name="ensembles">Whether models joined by + (an ensemble) are accepted.</param>
    public static void Check(string name, bool ensembles = false)
    {
        try
        {
            if (!ensembles && name.Contains('+', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' names an ensemble; ensembles (a+b) run under benchmark nab.");
            }

            foreach (var part in name.Split('+', StringSplitOptions.TrimEntries))
            {
                _ = DetectorRegistry.Create(part);
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--model: {e.Message}");
        }
    }
}
