using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Scoring;

public sealed class WindowPointScoresTests
{
    // Eight points, windows of 3 every 2 steps: starts 0, 2, 4 and the last window 5 (ends at the last point).
    // Window scores 1, 5, 2, 4 cover points [0-2], [2-4], [4-6], [5-7].
    private static float[] Scores(PointScoreMode mode, out int firstScored)
    {
        var starts = SlidingWindows.Starts(8, 3, 2).ToArray();
        Assert.Equal([0, 2, 4, 5], starts);
        var accumulator = new WindowPointScores(8, 3, mode);
        float[] windowScores = [1, 5, 2, 4];
        for (var k = 0; k < starts.Length; k++)
        {
            accumulator.Add(starts[k], windowScores[k]);
        }

        firstScored = accumulator.FirstScored;
        return accumulator.Result();
    }

    [Fact]
    public void Last_UsesTheLatestWindowThatHasEnded_NeverOneThatEndsLater()
    {
        // Windows end at points 2, 4, 6, 7. Points 0-1: no window has ended yet.
        var scores = Scores(PointScoreMode.Last, out var first);
        Assert.Equal([0f, 0f, 1f, 1f, 5f, 5f, 2f, 4f], scores);
        Assert.Equal(2, first);
    }

    [Fact]
    public void Mean_AveragesTheWindowsCoveringEachPoint()
    {
        var scores = Scores(PointScoreMode.Mean, out var first);
        Assert.Equal([1f, 1f, 3f, 5f, 3.5f, 3f, 3f, 4f], scores);
        Assert.Equal(0, first);
    }

    [Fact]
    public void Max_TakesTheWorstWindowCoveringEachPoint()
    {
        var scores = Scores(PointScoreMode.Max, out _);
        Assert.Equal([1f, 1f, 5f, 5f, 5f, 4f, 4f, 4f], scores);
    }

    [Fact]
    public void Step_AveragesEachPointsOwnErrorsOverTheWindowsCoveringIt()
    {
        var accumulator = new WindowPointScores(5, 3, PointScoreMode.Step);
        accumulator.AddStepErrors(0, [1f, 2f, 3f]);
        accumulator.AddStepErrors(2, [5f, 6f, 7f]);
        Assert.Equal([1f, 2f, 4f, 6f, 7f], accumulator.Result());
    }

    [Fact]
    public void StrideLongerThanTheWindow_LeavesUncoveredPointsAtZero()
    {
        var accumulator = new WindowPointScores(7, 2, PointScoreMode.Max);
        accumulator.Add(0, 3f);
        accumulator.Add(5, 9f);
        Assert.Equal([3f, 3f, 0f, 0f, 0f, 9f, 9f], accumulator.Result());
    }

    [Fact]
    public void WrongCall_ForTheMode_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => new WindowPointScores(5, 3, PointScoreMode.Step).Add(0, 1f));
        Assert.Throws<InvalidOperationException>(() => new WindowPointScores(5, 3, PointScoreMode.Last).AddStepErrors(0, [1f]));
    }

    [Fact]
    public void Parse_KnowsEveryModeAndNamesTheChoicesOtherwise()
    {
        Assert.All(PointScoreModes.Names, n => Assert.Equal(n, PointScoreModes.Parse(n).Name()));
        Assert.Contains("step, last, mean, max", Assert.Throws<ArgumentException>(() => PointScoreModes.Parse("median")).Message);
    }
}

[Collection(TorchCollection.Name)]
public sealed class SeriesPointScoringTests
{
    private static (GruVaeDetector Detector, SequenceSet Series) Trained()
    {
        var rng = new Random(4);
        float[] Wave(int steps) => [.. Enumerable.Range(0, steps * 2).Select(i => (float)(Math.Sin(i / 2 / 5.0) + (0.1 * rng.NextDouble())))];
        var train = new SequenceSet(["a", "b"], [new Sequence("train", Wave(240))]);
        var validation = new SequenceSet(["a", "b"], [new Sequence("validation", Wave(80))]);
        var detector = new GruVaeEstimator(
            new GruVaeOptions { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3, Window = 12 },
            new TrainerOptions { Epochs = 2, BatchSize = 16, WindowStride = 2 },
            new ScoringOptions { WindowStride = 3 }).Fit(train, validation);
        return (detector, new SequenceSet(["a", "b"], [new Sequence("test", Wave(101))]));
    }

    [Fact]
    public void ScorePoints_StepMode_StreamingInChunksEqualsScoringAllWindowsAtOnce()
    {
        var (detector, series) = Trained();
        using var _ = detector;

        var whole = detector.ScoreAll(series).Parts.StepErrors[0];
        var streamed = detector.ScorePoints(series, new PointScoreRequest(PointScoreMode.Step, Chunk: 5));

        Assert.Equal(101, streamed.Scores.Length);
        for (var t = 0; t < whole.Length; t++)
        {
            Assert.Equal(whole[t], streamed.Scores[t], 5);
        }

        Assert.Equal(detector.Thresholds.Of("step")[detector.Thresholds.Rule], streamed.Threshold);
    }

    [Fact]
    public void ScorePoints_LastMode_EachPointGetsTheCombinedScoreOfTheWindowEndingThere()
    {
        var (detector, series) = Trained();
        using var _ = detector;

        var points = detector.ScorePoints(series, new PointScoreRequest(PointScoreMode.Last, "quantile", ScoreKind.Combined, Stride: 1, Chunk: 7));

        // The window ending at point 50 starts at 39; scored alone, through the same window combiner.
        var window = new SequenceSet(["a", "b"], [new Sequence("w", series.Sequences[0].Values.AsSpan(39 * 2, 12 * 2).ToArray())]);
        var alone = detector.ScoreAll(window).Parts;
        var expected = detector.WindowScoring!.Combiner.Combine(alone)[0];
        Assert.Equal(expected, points.Scores[50], 4);
        Assert.Equal(11, points.FirstScored);
        Assert.All(points.Scores.Take(11), s => Assert.Equal(0f, s));
        Assert.Equal(90, points.Windows);
        Assert.Equal(detector.WindowScoring.Thresholds["combined"]["quantile"], points.Threshold);
    }

    [Fact]
    public void WindowScoring_SurvivesSaveAndLoad()
    {
        var (detector, series) = Trained();
        using var _ = detector;
        using var dir = new TempDirectory();
        detector.Save(dir.Path);

        using var loaded = GruVaeDetector.Load(dir.Path);

        Assert.Equal(detector.WindowScoring!.Combiner, loaded.WindowScoring!.Combiner);
        Assert.Equal(detector.ScorePoints(series, new PointScoreRequest(PointScoreMode.Max)).Scores, loaded.ScorePoints(series, new PointScoreRequest(PointScoreMode.Max)).Scores);
    }
}
