using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using VaeAnomaly.IO;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// Argument checks that run at parse time, before any work. Each refuses a bad value with a message and exit
/// code 1; none may throw, since an exception here escapes the parser and aborts the process.
/// </summary>
internal static class OptionValidation
{
    /// <summary>Largest value of a count option without a tighter limit of its own (epochs, sequences, rows).</summary>
    public const int DefaultMax = 1_000_000;

    public static Option<int> Positive(this Option<int> option, int max = DefaultMax) => option.Within(1, max, "a positive whole number");

    public static Option<int> NonNegative(this Option<int> option, int max = DefaultMax) => option.Within(0, max, "a whole number, 0 or more");

    public static Option<double> InRange(this Option<double> option, double min, double max, bool minInclusive = true)
    {
        var low = minInclusive ? "[" : "(";
        option.CustomParser = r =>
        {
            var token = Token(r);
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                r.AddError($"{option.Name} takes a number in {low}{Show(min)}, {Show(max)}]; got '{Messages.Cut(token)}'.");
            }
            else if (!double.IsFinite(v) || v > max || v < min || (!minInclusive && v == min))
            {
                r.AddError($"{option.Name} must lie in {low}{Show(min)}, {Show(max)}]; got {Messages.Cut(token)}.");
            }

            return v;
        };
        return option;
    }

    /// <summary>Any whole number (a seed); refused with a message when it is not one.</summary>
    public static Option<int> WholeNumber(this Option<int> option) => option.Within(int.MinValue, int.MaxValue, $"a whole number from {int.MinValue:N0}");

    private static Option<int> Within(this Option<int> option, int min, int max, string what)
    {
        // A parser rather than a validator: the default converter's failure names System.Int32, and a validator that
        // reads a value which failed to convert throws out of the parser.
        option.CustomParser = r =>
        {
            var token = Token(r);
            if (!int.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var v)
                || v < min || v > max)
            {
                r.AddError($"{option.Name} takes {what} up to {Show(max)}; got '{Messages.Cut(token)}'.");
            }

            return v;
        };
        return option;
    }

    /// <summary>What the user typed (an option takes one token).</summary>
    private static string Token(ArgumentResult r) => r.Tokens.Count == 0 ? "" : r.Tokens[^1].Value;

    private static string Show(double v) => v.ToString("#,0.######", CultureInfo.InvariantCulture);
}
