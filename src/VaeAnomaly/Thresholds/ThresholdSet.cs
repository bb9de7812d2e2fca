namespace VaeAnomaly.Thresholds;

/// <summary>
/// Every threshold a fitted model carries, fitted once on normal validation scores only: for each score it can give
/// (<c>score</c>; the GRU-VAE's <c>combined</c>, <c>reconstruction</c>, ...; per-point <c>step</c>, <c>window</c>,
/// <c>window/combined</c>, ...) the value of every rule of <see cref="ThresholdRules"/>, why a rule could not be fitted
/// where it could not, and the rule and score that <see cref="Flag"/> uses. Immutable: a bundle saves it as fitted, a
/// load restores it, and choosing another rule makes a new set.
/// </summary>
public sealed class ThresholdSet
{
    private readonly SortedDictionary<string, IReadOnlyDictionary<string, double>> byScore;
    private readonly SortedDictionary<string, string> notes;
    private readonly double? fixedValue;

    /// <summary>A set as fitted or as a bundle stores it.</summary>
    /// <param name="byScore">Score name to rule name to threshold; rules that could not be fitted are absent.</param>
    /// <param name="notes">Why a rule is absent, by <see cref="ThresholdRules.NoteKey"/>; null for none.</param>
    /// <param name="rule">
    /// The rule <see cref="Flag"/> uses: one of <see cref="ThresholdRules.Names"/>, or a finite number in invariant
    /// culture: the user's own threshold (rule <see cref="ThresholdRules.Fixed"/>), used for whatever score is flagged.
    /// </param>
    /// <param name="primary">The score a sequence's (or record's) flag is decided on.</param>
    /// <exception cref="ArgumentException">An unknown rule, or a non-finite threshold.</exception>
    public ThresholdSet(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> byScore, IReadOnlyDictionary<string, string>? notes, string rule, string primary)
    {
        if (ThresholdRules.TryValue(rule, out var value))
        {
            (fixedValue, rule) = (value, ThresholdRules.Fixed);
        }
        else
        {
            CheckRule(rule);
        }

        foreach (var (score, values) in byScore)
        {
            if (values.FirstOrDefault(kv => !double.IsFinite(kv.Value) || !ThresholdRules.Names.Contains(kv.Key)) is { Key: not null } bad)
            {
                throw new ArgumentException($"The {bad.Key} threshold of the {ThresholdRules.ScoreName(score)} is {bad.Value}; thresholds are finite values of known rules.");
            }
        }

        this.byScore = new(byScore.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, double>)new SortedDictionary<string, double>(kv.Value.ToDictionary(), StringComparer.Ordinal)), StringComparer.Ordinal);
        this.notes = new(notes?.ToDictionary() ?? [], StringComparer.Ordinal);
        Rule = rule;
        Primary = primary;
    }

    /// <summary>The rule <see cref="Flag"/> uses unless told otherwise; <see cref="ThresholdRules.Fixed"/> for a threshold the user gave.</summary>
    public string Rule { get; }

    /// <summary>The threshold the user gave in place of a fitted rule's, or null (<see cref="Rule"/> is then a fitted rule).</summary>
    public double? FixedValue => fixedValue;

    /// <summary>The score a sequence's flag is decided on: <c>score</c>, or the GRU-VAE's <c>combined</c>.</summary>
    public string Primary { get; }

    /// <summary>Score name to rule name to threshold.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ByScore => byScore;

    /// <summary>Why each absent threshold could not be fitted, by <see cref="ThresholdRules.NoteKey"/>.</summary>
    public IReadOnlyDictionary<string, string> Notes => notes;

    /// <summary>The notes as a manifest stores them: null when every rule was fitted.</summary>
    public IReadOnlyDictionary<string, string>? NotesOrNull => notes.Count == 0 ? null : notes;

    /// <summary>Whether thresholds of <paramref name="score"/> were fitted (a bundle from before point scores may lack some).</summary>
    /// <param name="score">A score name.</param>
    public bool Has(string score) => byScore.ContainsKey(score);

    /// <summary>Rule name to threshold of <paramref name="score"/>; empty when the set has none.</summary>
    /// <param name="score">A score name.</param>
    public IReadOnlyDictionary<string, double> Of(string score) => byScore.GetValueOrDefault(score) ?? new Dictionary<string, double>();

    /// <summary>The threshold of <paramref name="rule"/> on <paramref name="score"/>, or an error that says why there is none.</summary>
    /// <param name="score">A score name; <see cref="Primary"/> when null.</param>
    /// <param name="rule">A rule name; <see cref="Rule"/> when null.</param>
    /// <exception cref="ArgumentException">The rule could not be fitted on that score (with the reason), or the set has no such score.</exception>
    public double Value(string? score = null, string? rule = null) =>
        Given(rule) is { } given ? given
        : score is not null && !byScore.ContainsKey(score) ? throw new ArgumentException($"The model has no '{IO.Messages.Cut(score)}' score; its thresholds are of {IO.Messages.List(byScore.Keys.Order(StringComparer.Ordinal))}.", nameof(score))
        : ThresholdRules.Lookup(Of(score ?? Primary), rule ?? Rule, score ?? Primary, notes);

    /// <summary>The threshold as <see cref="Value"/> gives it, or NaN where there is none.</summary>
    /// <param name="score">A score name; <see cref="Primary"/> when null.</param>
    /// <param name="rule">A rule name; <see cref="Rule"/> when null.</param>
    public double ValueOrNaN(string? score = null, string? rule = null) =>
        Given(rule) is { } given ? given : Of(score ?? Primary).GetValueOrDefault(rule ?? Rule, double.NaN);

    /// <summary>The user's own threshold when <paramref name="rule"/> asks for one: a number, or <see cref="ThresholdRules.Fixed"/> (or none, meaning <see cref="Rule"/>) on a set given one.</summary>
    private double? Given(string? rule) =>
        rule is not null && ThresholdRules.TryValue(rule, out var number) ? number
        : (rule ?? Rule) == ThresholdRules.Fixed ? fixedValue
        : null;

    /// <summary>True where a score of <paramref name="score"/> exceeds its threshold under <paramref name="rule"/>.</summary>
    /// <param name="scores">Scores of that kind.</param>
    /// <param name="score">A score name; <see cref="Primary"/> when null.</param>
    /// <param name="rule">A rule name; <see cref="Rule"/> when null.</param>
    /// <exception cref="ArgumentException">The rule could not be fitted on that score.</exception>
    public bool[] Flag(IReadOnlyList<float> scores, string? score = null, string? rule = null)
    {
        var threshold = Value(score, rule);
        return [.. scores.Select(s => s > threshold)];
    }

    /// <summary>The same thresholds with another rule in use.</summary>
    /// <param name="rule">One of <see cref="ThresholdRules.Names"/>, or a number: the user's own threshold.</param>
    /// <exception cref="ArgumentException">An unknown rule.</exception>
    public ThresholdSet WithRule(string rule) => new(byScore, notes, rule, Primary);

    /// <summary>
    /// The same set with every fitted threshold raised to at least <paramref name="floor"/>: for a score whose units give
    /// a smallest meaningful threshold (the gaussian's deviations), where normal validation scores that do not vary would
    /// fit one at 0. A threshold the user gave is kept as given.
    /// </summary>
    /// <param name="floor">The smallest fitted threshold; finite.</param>
    public ThresholdSet AtLeast(double floor)
    {
        if (!double.IsFinite(floor))
        {
            throw new ArgumentException($"A threshold floor is a finite number; got {floor}.", nameof(floor));
        }

        var raised = byScore.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, double>)kv.Value.ToDictionary(r => r.Key, r => Math.Max(r.Value, floor)), StringComparer.Ordinal);
        var rule = fixedValue is { } value ? value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : Rule;
        return new ThresholdSet(raised, notes, rule, Primary);
    }

    /// <summary>
    /// Fits every rule on every score's normal validation scores: the one place thresholds are fitted. A rule that
    /// cannot be fitted on a score (POT on a handful of values) is left out, and the reason kept.
    /// </summary>
    /// <param name="validation">Score name to that score's values on normal validation data only.</param>
    /// <param name="rule">The rule <see cref="Flag"/> uses.</param>
    /// <param name="primary">The score a sequence's flag is decided on; must be among <paramref name="validation"/>.</param>
    public static ThresholdSet Fit(IEnumerable<KeyValuePair<string, IReadOnlyList<float>>> validation, string rule, string primary)
    {
        CheckRule(rule);
        var notes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fitted = validation.ToDictionary(kv => kv.Key, kv => ThresholdRules.FitAll(kv.Value, kv.Key, notes), StringComparer.Ordinal);
        if (!fitted.ContainsKey(primary))
        {
            throw new ArgumentException($"The primary score '{primary}' is not among the fitted scores ({string.Join(", ", fitted.Keys)}).", nameof(primary));
        }

        return new ThresholdSet(fitted, notes, rule, primary);
    }

    private static void CheckRule(string rule)
    {
        if (!ThresholdRules.Names.Contains(rule))
        {
            throw new ArgumentException($"Unknown threshold rule '{rule}'; expected one of {string.Join(", ", ThresholdRules.Names)}.");
        }
    }
}
