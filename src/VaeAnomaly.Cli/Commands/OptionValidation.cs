using System.CommandLine;

namespace VaeAnomaly.Cli.Commands;

/// <summary>Argument checks that run at parse time, before any work.</summary>
internal static class OptionValidation
{
    public static Option<int> Positive(this Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{option.Name} must be a positive whole number, got {r.GetValueOrDefault<int>()}.");
            }
        });
        return option;
    }

    public static Option<int> NonNegative(this Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError($"{option.Name} must not be negative, got {r.GetValueOrDefault<int>()}.");
            }
        });
        return option;
    }

    public static Option<double> InRange(this Option<double> option, double min, double max, bool minInclusive = true)
    {
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!double.IsFinite(v) || v > max || v < min || (!minInclusive && v == min))
            {
                var low = minInclusive ? "[" : "(";
                r.AddError($"{option.Name} must lie in {low}{min}, {max}], got {v}.");
            }
        });
        return option;
    }
}
