using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Tests.Thresholds;

public sealed class ThresholdSetTests
{
    private static readonly float[] OneToHundredOne = [.. Enumerable.Range(1, 101).Select(i => (float)i)];

    [Fact]
    public void Fit_OneToHundredOne_GivesTheKnownQuantileAndMeanStd()
    {
        // Given: 1..101, whose 0.99 quantile (linear interpolation at 0.99 * 100 = 99) is the 100th value, 100;
        // mean 51, population variance (101^2 - 1) / 12 = 850
        var expectedMeanStd = 51 + (3 * Math.Sqrt(850));

        // When
        var set = ThresholdSet.Fit([new("score", OneToHundredOne), new("step", [.. OneToHundredOne.Select(v => v * 2)])], "quantile", "score");

        // Then
        Assert.Equal(100, set.Value(), 10);
        Assert.Equal(expectedMeanStd, set.Value(rule: "mean-std"), 4);
        Assert.Equal(200, set.Value("step"), 10);
        Assert.Equal(["score", "step"], set.ByScore.Keys);
        Assert.Empty(set.Notes);
        Assert.Null(set.NotesOrNull);
    }

    [Fact]
    public void Flag_ScoresAtAndAboveTheThreshold_FlagsOnlyThoseStrictlyAbove()
    {
        var set = ThresholdSet.Fit([new("score", OneToHundredOne)], "quantile", "score");

        var flags = set.Flag([99f, 100f, 100.5f, 150f]);

        Assert.Equal([false, false, true, true], flags);
    }

    [Fact]
    public void Value_RuleThatCouldNotBeFitted_IsRefusedWithItsReasonAndTheRulesThatCanBeUsed()
    {
        // Given: POT needs more than a handful of scores
        var set = ThresholdSet.Fit([new("window", [1f, 2f, 3f])], "pot", "window");

        // When
        var error = Assert.Throws<ArgumentException>(() => set.Value());

        // Then
        Assert.False(set.Of("window").ContainsKey("pot"));
        Assert.True(set.Notes.ContainsKey("window/pot"));
        Assert.Contains("The 'pot' threshold of the window score could not be fitted", error.Message);
        Assert.Contains("--threshold mean-std or quantile", error.Message);
        Assert.Equal(3, set.WithRule("quantile").Value(), 1); // the other rules are there
    }

    [Fact]
    public void Value_ScoreTheSetDoesNotHave_SaysSoAndNamesTheScoresItHas()
    {
        // Given: a set of two scores
        var set = ThresholdSet.Fit([new("score", OneToHundredOne), new("step", OneToHundredOne)], "quantile", "score");

        // When
        var error = Assert.Throws<ArgumentException>(() => set.Value("window"));

        // Then: where it said the 'quantile' threshold of the window score could not be fitted and to train on more data
        Assert.StartsWith("The model has no 'window' score; its thresholds are of score,step.", error.Message);
    }

    [Fact]
    public void WithRule_AnotherRule_KeepsTheValuesAndChangesOnlyTheRuleInUse()
    {
        var set = ThresholdSet.Fit([new("score", OneToHundredOne)], "quantile", "score");

        var meanStd = set.WithRule("mean-std");

        Assert.Equal("quantile", set.Rule);
        Assert.Equal("mean-std", meanStd.Rule);
        Assert.Equal(set.Value(rule: "mean-std"), meanStd.Value());
        Assert.Contains("Unknown threshold rule 'median'", Assert.Throws<ArgumentException>(() => set.WithRule("median")).Message);
    }

    [Fact]
    public void WithRule_ANumber_IsTheThresholdOfEveryScore_NamedFixed_AndTheFittedValuesStay()
    {
        var set = ThresholdSet.Fit([new("score", OneToHundredOne), new("step", [.. OneToHundredOne.Select(v => v * 2)])], "quantile", "score");

        var given = set.WithRule("2.5e1");

        Assert.Equal(ThresholdRules.Fixed, given.Rule);
        Assert.Equal(25, given.FixedValue);
        Assert.Equal(25, given.Value());
        Assert.Equal(25, given.Value("step"));
        Assert.Equal(25, given.ValueOrNaN("step"));
        Assert.Equal(25, given.Value("a score the set never fitted"));
        Assert.Equal([false, true], given.Flag([25f, 25.5f]));
        Assert.Equal(100, given.Value(rule: "quantile"), 10); // the fitted rules are still there
        Assert.Equal(7, set.Value("step", "7")); // a number asked for is that number, on any set
        Assert.Null(set.FixedValue);
        Assert.Contains("Unknown threshold rule 'NaN'", Assert.Throws<ArgumentException>(() => set.WithRule("NaN")).Message);
        Assert.Contains("Unknown threshold rule 'fixed'", Assert.Throws<ArgumentException>(() => set.WithRule("fixed")).Message);
    }

    [Fact]
    public void AtLeast_RaisesOnlyTheFittedValuesBelowTheFloor_KeepsTheRuleTheNotesAndAThresholdTheUserGave()
    {
        // Given: quantile 100 and mean-std 138.5 (51 + 3 x 29.15) of 1..101 on score, all zeros on step (pot cannot be fitted there)
        var set = ThresholdSet.Fit([new("score", OneToHundredOne), new("step", [.. Enumerable.Repeat(0f, 101)])], "mean-std", "score");

        // When
        var raised = set.AtLeast(120);
        var given = set.WithRule("1.5").AtLeast(120);

        // Then
        Assert.Equal(120, raised.Value(rule: "quantile"));
        Assert.Equal(set.Value(), raised.Value());
        Assert.True(raised.Value() > 138);
        Assert.Equal(120, raised.Value("step", "quantile"));
        Assert.Equal(120, raised.Value("step", "mean-std"));
        Assert.Equal("mean-std", raised.Rule);
        Assert.Equal(set.Notes, raised.Notes);
        Assert.Contains(set.Notes.Keys, k => k.Contains("step", StringComparison.Ordinal));
        Assert.Equal(1.5, given.Value("step"));
        Assert.Equal(ThresholdRules.Fixed, given.Rule);
        Assert.Equal(120, given.Value("step", "quantile"));
        Assert.Throws<ArgumentException>(() => set.AtLeast(double.NaN));
    }

    [Fact]
    public void Constructor_NonFiniteThresholdOrUnknownRule_IsRefused()
    {
        var nan = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["score"] = new Dictionary<string, double> { ["quantile"] = double.NaN } };
        var unknown = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["score"] = new Dictionary<string, double> { ["median"] = 1 } };

        Assert.Contains("is NaN", Assert.Throws<ArgumentException>(() => new ThresholdSet(nan, null, "quantile", "score")).Message);
        Assert.Contains("known rules", Assert.Throws<ArgumentException>(() => new ThresholdSet(unknown, null, "quantile", "score")).Message);
        Assert.Throws<ArgumentException>(() => ThresholdSet.Fit([new("score", OneToHundredOne)], "quantile", "combined"));
    }
}
