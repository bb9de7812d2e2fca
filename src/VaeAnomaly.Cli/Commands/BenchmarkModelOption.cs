using System.CommandLine;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Cli.Commands;

/// <summary>The <c>--model</c> option of the benchmark commands: the GRU-VAE or any window baseline of the catalog.</summary>
internal static class BenchmarkModelOption
{
    /// <summary>The option, <c>gru-vae</c> by default.</summary>
    /// <param name="scope">Where it applies, e.g. "(leaderboard protocol)", or empty.</param>
    public static Option<string> Create(string scope = "") => new("--model")
    {
        Description = $"Model trained per file{scope}: gru-vae, or a window baseline of 'compare' (dense-ae, lstm-ae, conv-ae, dense-vae; optionally with a version: \"conv-ae v2\").",
        DefaultValueFactory = _ => GruVaeDetector.ModelName,
    };

    /// <summary>Refuses a name that is neither the GRU-VAE nor a catalog baseline, naming what it could be.</summary>
    /// <param name="name">The value given.</param>
    /// <returns>True for a baseline, false for the GRU-VAE.</returns>
    public static bool IsBaseline(string name)
    {
        if (name == GruVaeDetector.ModelName)
        {
            return false;
        }

        try
        {
            _ = ModelCatalog.Baseline(name);
            return true;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--model: {e.Message.TrimEnd('.')}, or gru-vae.");
        }
    }
}
