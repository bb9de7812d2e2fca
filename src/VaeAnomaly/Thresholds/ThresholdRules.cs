namespace VaeAnomaly.Thresholds;

/// <summary>The threshold rules by name, with their default settings.</summary>
public static class ThresholdRules
{
    /// <summary>Rule names: <c>quantile</c> (0.99), <c>mean-std</c> (k = 3), <c>pot</c> (q = 1e-3).</summary>
    public static IReadOnlyList<string> Names { get; } = ["quantile", "mean-std", "pot"];

    /// <summary>The rule of a threshold the user gave as a number (<c>--threshold 2.5</c>) instead of a fitted one; never fitted or saved.</summary>
    public const string Fixed = "fixed";

    /// <summary>Whether <paramref name="text"/> is a threshold given as a number: finite, in invariant culture.</summary>
    /// <param name="text">A rule name or a number.</param>
    /// <param name="value">The number.</param>
    public static bool TryValue(string text, out double value) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>The rule named <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    public static IThresholdRule Create(string name) => name switch
    {
        "quantile" => new QuantileThreshold(),
        "mean-std" => new MeanStdThreshold(),
        "pot" => new PeaksOverThreshold(),
        _ => throw new ArgumentException($"Unknown threshold rule '{name}'; expected one of {string.Join(", ", Names)}."),
    };

    /// <summary>Fits every rule to the same normal scores; a rule that cannot be fitted (or fits no finite value) is left out.</summary>
    /// <param name="normalScores">Scores of normal validation data only.</param>
    public static IReadOnlyDictionary<string, double> FitAll(IReadOnlyList<float> normalScores) => FitAll(normalScores, "score", null);

    /// <summary>Fits every rule to the same normal scores; a rule that cannot be fitted is left out and its reason noted.</summary>
    /// <param name="normalScores">Scores of normal validation data only.</param>
    /// <param name="set">What the scores are (<c>combined</c>, <c>step</c>, <c>window/kl</c>, ...): the key's first part in <paramref name="notes"/>.</param>
    /// <param name="notes">Receives <c>set/rule</c> to the reason for each rule left out; null to drop the reasons.</param>
    public static IReadOnlyDictionary<string, double> FitAll(IReadOnlyList<float> normalScores, string set, IDictionary<string, string>? notes)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            string reason;
            try
            {
                var value = Create(name).Fit(normalScores);
                if (double.IsFinite(value))
                {
                    result[name] = value;
                    continue;
                }

                reason = $"it fitted {value} on {normalScores.Count} validation scores";
            }
            catch (ArgumentException e)
            {
                reason = Reason(e);
            }

            if (notes is not null)
            {
                notes[NoteKey(set, name)] = reason;
            }
        }

        return result;
    }

    /// <summary>The threshold of <paramref name="rule"/> in a fitted set, or an error that says why the rule has none.</summary>
    /// <param name="thresholds">Rule name to threshold, as <see cref="FitAll(IReadOnlyList{float}, string, IDictionary{string, string}?)"/> made it.</param>
    /// <param name="rule">The rule asked for.</param>
    /// <param name="set">What the scores are, as given when fitting.</param>
    /// <param name="notes">The reasons noted when fitting (or read from a bundle).</param>
    /// <exception cref="ArgumentException">The rule could not be fitted; the message gives the reason and the rules that can be used.</exception>
    public static double Lookup(IReadOnlyDictionary<string, double> thresholds, string rule, string set, IReadOnlyDictionary<string, string>? notes)
    {
        if (thresholds.TryGetValue(rule, out var value))
        {
            return value;
        }

        var why = notes is not null && notes.TryGetValue(NoteKey(set, rule), out var reason) ? reason : "the bundle holds no such threshold";
        var others = thresholds.Count == 0 ? "no rule could be fitted there; train on more validation data" : $"use --threshold {string.Join(" or ", thresholds.Keys)}";
        throw new ArgumentException($"The '{rule}' threshold of the {ScoreName(set)} could not be fitted when the model was trained: {why}. {char.ToUpperInvariant(others[0])}{others[1..]}.");
    }

    /// <summary>The score a set of thresholds is for, in words: <c>score</c>, <c>step score</c>, <c>window kl score</c>.</summary>
    /// <param name="set">The set's name, as given when fitting.</param>
    public static string ScoreName(string set) => set == "score" ? "score" : $"{set.Replace('/', ' ')} score";

    /// <summary>Why a rule could not be fitted, as a note: the rule's message without its parameter name or final stop.</summary>
    /// <param name="e">The rule's refusal.</param>
    public static string Reason(ArgumentException e) => IO.Messages.Of(e).TrimEnd('.');

    /// <summary>The key of a rule's note: <c>set/rule</c>.</summary>
    /// <param name="set">What the scores are.</param>
    /// <param name="rule">The rule.</param>
    public static string NoteKey(string set, string rule) => $"{set}/{rule}";
}
