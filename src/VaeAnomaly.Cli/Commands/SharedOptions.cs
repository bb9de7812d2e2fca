using System.CommandLine;

namespace VaeAnomaly.Cli.Commands;

/// <summary>Options several commands share, declared once so their meaning and wording cannot drift apart.</summary>
internal static class SharedOptions
{
    /// <summary><c>--bundle</c> (alias <c>--model</c>, its earlier name) for the commands that read a trained bundle.</summary>
    public static Option<string> Bundle() =>
        new("--bundle", "--model") { Description = "Bundle folder written by 'train' (--model is the same option's earlier name).", Required = true };

    /// <summary><c>--force</c> for a command that writes an output folder (the README says what it may replace).</summary>
    public static Option<bool> ForceFolder() =>
        new("--force") { Description = "Replace an earlier output folder of vae-anomaly that holds nothing else (never a folder of yours or an input)." };
}
