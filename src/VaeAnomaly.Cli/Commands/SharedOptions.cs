using System.CommandLine;

namespace VaeAnomaly.Cli.Commands;

/// <summary>Options several commands share, declared once so their meaning and wording cannot drift apart.</summary>
internal static class SharedOptions
{
    /// <summary><c>--bundle</c> (alias <c>--model</c>, its earlier name) for the commands that read a trained bundle.</summary>
    public static Option<string> Bundle() =>
        new("--bundle", "--model") { Description = "Bundle folder written by 'train' (--model is the same option's earlier name).", Required = true };

    /// <summary><c>--seed</c>: every command that uses randomness takes it, and the same seed gives the same result.</summary>
    /// <param name="description">What the seed drives in this command.</param>
    /// <param name="defaultValue">The seed when none is given.</param>
    public static Option<int> Seed(string description, int defaultValue) =>
        new Option<int>("--seed") { Description = description, DefaultValueFactory = _ => defaultValue }.WholeNumber();

    /// <summary><c>--force</c> for a command that writes an output folder (the README says what it may replace).</summary>
    public static Option<bool> ForceFolder() =>
        new("--force") { Description = "Replace an earlier output folder of vae-anomaly that holds nothing else (never a folder of yours or an input)." };
}
