using System.CommandLine;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Cli.Commands;

/// <summary>The <c>--threshold</c> option: a rule name, checked at parse time.</summary>
internal static class ThresholdOption
{
    public static Option<string> Create(string? defaultRule = "quantile")
    {
        var option = new Option<string>("--threshold")
        {
            Description = "Threshold rule, fitted on normal validation scores: quantile (0.99), mean-std (mean + 3 sd) or pot (peaks over threshold, q = 1e-3)"
                + (defaultRule is null ? "; default: the bundle's rule." : "."),
        };
        if (defaultRule is not null)
        {
            option.DefaultValueFactory = _ => defaultRule;
        }

        option.AcceptOnlyFromAmong([.. ThresholdRules.Names]);
        return option;
    }
}
