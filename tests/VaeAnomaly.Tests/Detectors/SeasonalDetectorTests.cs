using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Detectors;

/// <summary><c>seasonal</c>: each row against the same point of the 3 periods before, by hand, by a plain reference, and on a drifting day.</summary>
public sealed class SeasonalDetectorTests
{
    private static SequenceSet Series(params float[] values) => new(["a"], [new Sequence("s", values)]);

    private static float[] RowScores(IFittedDetector model, float[] values) =>
        ((IScoresPoints)model).ScorePoints(Series(values), new PointScoreRequest(PointScoreMode.Last)).Scores;

    [Fact]
    public void Score_PeriodTwo_GivesTheResidualsDeviationFromTheRecentResiduals_WorkedOutByHand()
    {
        // Given: a = 0, 1, 0, 1, ... in training (a period of 2, every residual 0; spread 0.5, so the smallest deviation
        // is 0.5 / 1000), a window of 2 residuals
        float[] Alternating(int n) => [.. Enumerable.Range(0, n).Select(t => (float)(t % 2))];
        using var model = DetectorRegistry.Create("seasonal", new DetectorSettings { Period = 2, Window = 2 }).Fit(Series(Alternating(20)), Series(Alternating(6)));

        // When: the rows after training, one of them off the rhythm by 0.5
        var scores = RowScores(model, [0f, 1.5f, 0f, 1f]);

        // Then: row 0's residual is 0 (as the 2 before it): 0. Row 1: 1.5 less the median of 1, 1, 1, against residuals
        // 0 and 0: 0.5 / 0.0005 = 1000. Row 2: residual 0 against 0 and 0.5 (mean 0.25, spread 0.25): 1. Row 3: 1 less the
        // median of 1.5, 1, 1 is 0, against 0.5 and 0: 1 (one unusual period does not move the expected value).
        Assert.Equal(0, scores[0], 4);
        Assert.Equal(1000, scores[1], 1);
        Assert.Equal(1, scores[2], 4);
        Assert.Equal(1, scores[3], 4);
        Assert.Equal(2, ((SeasonalDetector)model).Period);
    }

    [Fact]
    public void Score_NoisySeries_EqualsAPlainReferenceOfTheDefinition()
    {
        // Given: noise on a period of 7, trained on 60 rows; the reference keeps every row and residual in lists
        var random = new Random(3);
        float[] Noisy(int n, int from) => [.. Enumerable.Range(from, n).Select(t => (float)(Math.Sin(2 * Math.PI * t / 7) + (0.3 * random.NextDouble())))];
        var (train, validation, test) = (Noisy(60, 0), Noisy(20, 60), Noisy(50, 80));
        using var model = DetectorRegistry.Create("seasonal", new DetectorSettings { Period = 7, Window = 5 }).Fit(Series(train), Series(validation));

        // When
        var scores = RowScores(model, test);

        // Then: the score of test row t is |r - mean| / max(sd, floor) over the 5 residuals before it, a residual being the
        // value less the median of the values 7, 14 and 21 rows before; the rows before it are the last 3 * 7 + 5 of the
        // training and validation rows, which the test rows follow
        double[] rows = [.. train.Concat(validation).TakeLast(26).Concat(test)];
        var mean0 = train.Average(v => (double)v);
        var floor = Math.Max(1e-9, 1e-3 * Math.Sqrt(train.Average(v => (v - mean0) * (v - mean0))));
        double Residual(int i) => rows[i] - new[] { rows[i - 7], rows[i - 14], rows[i - 21] }.Order().ElementAt(1);
        for (var t = 0; t < test.Length; t++)
        {
            var i = 26 + t;
            double[] before = [.. Enumerable.Range(Math.Max(21, i - 5), i - Math.Max(21, i - 5)).Select(Residual)];
            var mean = before.Average();
            var sd = Math.Sqrt(before.Average(r => (r - mean) * (r - mean)));
            Assert.Equal(Math.Abs(Residual(i) - mean) / Math.Max(sd, floor), scores[t], 3);
        }
    }

    [Fact]
    public void Fit_WithoutAPeriod_FindsTheRhythmOfADriftingSeries_AndRefusesOneWithoutRhythm()
    {
        // Given: a period of 24 rows on a rising level with noise, and a random walk
        var random = new Random(1);
        float[] daily = [.. Enumerable.Range(0, 24 * 30).Select(t => (float)((5 * Math.Sin(2 * Math.PI * t / 24)) + (0.01 * t) + random.NextDouble()))];
        var level = 0.0;
        float[] walk = [.. Enumerable.Range(0, 720).Select(_ => (float)(level += random.NextDouble() - 0.5))];

        // When
        using var model = DetectorRegistry.Create("seasonal").Fit(Series(daily[..600]), Series(daily[600..]));
        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("seasonal").Fit(Series(walk[..600]), Series(walk[600..])));

        // Then
        Assert.Equal(24, ((SeasonalDetector)model).Period);
        Assert.Contains("show no period", error.Message, StringComparison.Ordinal);
        Assert.Contains("--period", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Fit_WithoutAPeriod_OnNoisyFiveMinuteRowsOfSevenDays_FindsTheDayToTheRow(int seed)
    {
        // Given: a daily cycle of 288 rows, a rising level and noise, 2,073 rows (7.2 days) to train on; there the
        // autocorrelation's peak alone lands a row or two short (it did for every one of 30 seeds), which the spread of
        // the residuals at the lags around it then settles
        var random = new Random(seed);
        float[] rows = [.. Enumerable.Range(0, 288 * 12).Select(t => (float)(10 + (5 * Math.Sin(2 * Math.PI * t / 288)) + (0.002 * t) + (0.3 * random.NextDouble())))];

        // When
        using var model = DetectorRegistry.Create("seasonal").Fit(Series(rows[..2073]), Series(rows[2073..]));

        // Then
        Assert.Equal(288, ((SeasonalDetector)model).Period);
    }

    [Fact]
    public void Score_DayOnARisingLevel_FlagsTheSpikeAndNotTheDrift_WhereRangeFlagsTheDrift()
    {
        // Given: 20 days of 48 rows on a level that rises 0.02 a row; trained on the first 8 days, validated on the 9th
        var random = new Random(7);
        float[] Days(int from, int n) => [.. Enumerable.Range(from, n).Select(t => (float)((3 * Math.Sin(2 * Math.PI * t / 48)) + (0.02 * t) + (0.2 * random.NextDouble())))];
        var settings = new DetectorSettings { Period = 48 };
        var (train, validation) = (Series(Days(0, 384)), Series(Days(384, 48)));
        using var seasonal = DetectorRegistry.Create("seasonal", settings).Fit(train, validation);
        using var range = DetectorRegistry.Create("range").Fit(train, validation);
        var later = Days(432, 528);
        later[400] += 3; // one spike in the last days

        // When
        var seasonalScores = RowScores(seasonal, later);
        var rangeScores = RowScores(range, later);
        var seasonalThreshold = seasonal.Thresholds.Value("step");

        // Then: the level left training's range, so range flags most later rows; the seasonal flags the spike and at
        // most 2% of the other rows
        Assert.True(seasonalScores[400] > seasonalThreshold, $"spike {seasonalScores[400]} vs threshold {seasonalThreshold}");
        Assert.True(seasonalScores.Where((_, t) => t != 400).Count(s => s > seasonalThreshold) <= 0.02 * later.Length);
        Assert.True(rangeScores.Count(s => s > range.Thresholds.Value("step")) > later.Length / 2);
    }

    [Fact]
    public void Save_ThenLoad_GivesTheSameScoresAndPeriod()
    {
        // Given
        var random = new Random(2);
        float[] values = [.. Enumerable.Range(0, 300).Select(t => (float)(Math.Cos(2 * Math.PI * t / 12) + (0.1 * random.NextDouble())))];
        using var model = DetectorRegistry.Create("seasonal", new DetectorSettings { Period = 12, Window = 30 }).Fit(Series(values[..200]), Series(values[200..240]));
        using var temp = new TempDirectory();

        // When
        model.Save(temp.Path);
        using var loaded = DetectorRegistry.Load(temp.Path);

        // Then
        Assert.Equal(RowScores(model, values[240..]), RowScores(loaded, values[240..]));
        Assert.Equal(12, ((SeasonalDetector)loaded).Period);
        Assert.Equal(model.Thresholds.ByScore["step"]["quantile"], loaded.Thresholds.ByScore["step"]["quantile"]);
    }
}
