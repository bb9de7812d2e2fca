using System.CommandLine;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Cli.Commands;

/// <summary>The <c>--threshold</c> option: a rule name, or where a bundle is used as it is, a number; checked at parse time.</summary>
internal static class ThresholdOption
{
    /// <summary>The option.</summary>
    /// <param name="defaultRule">The rule when none is given; null for the bundle's own.</param>
    /// <param name="value">Whether a number is taken too: the user's own threshold (score and evaluate, which use a bundle as it is).</param>
    public static Option<string> Create(string? defaultRule = "quantile", bool value = false)
    {
        var option = new Option<string>("--threshold")
        {
            Description = "Threshold rule, fitted on normal validation scores: quantile (0.99), mean-std (mean + 3 sd) or pot (peaks over threshold, q = 1e-3)"
                + (value ? "; or a number: flag the scores above it (of whatever score is flagged: a series' point scores, a sequence's or record's score)" : "")
                + (defaultRule is null ? "; default: the bundle's rule." : "."),
        };
        if (defaultRule is not null)
        {
            option.DefaultValueFactory = _ => defaultRule;
        }

        option.Validators.Add(result =>
        {
            var given = result.GetValueOrDefault<string>();
            if (given is null || ThresholdRules.Names.Contains(given) || (value && ThresholdRules.TryValue(given, out _)))
            {
                return;
            }

            result.AddError(value
                ? $"--threshold is '{given}'; expected {string.Join(", ", ThresholdRules.Names)} or a finite number (e.g. 2.5)."
                : $"--threshold is '{given}'; expected {string.Join(", ", ThresholdRules.Names)} (a number applies at score and evaluate, which use a bundle as it is).");
        });
        return option;
    }
}
