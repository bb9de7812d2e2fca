namespace VaeAnomaly.Study.Tests;

public sealed class NabScorerTests
{
    [Theory]
    [InlineData(-1.0, 0.986614)] // 2 / (1 + e^-5) - 1: the left edge of a window
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, -0.986614)]
    [InlineData(0.75, -0.954045)] // 2 / (1 + e^3.75) - 1
    [InlineData(3.0, -1.0)]
    [InlineData(7.5, -1.0)]
    public void ScaledSigmoid_MatchesHandComputedValues(double y, double expected) => Assert.Equal(expected, NabScorer.ScaledSigmoid(y), 1e-5);

    // Twenty rows, probation 2, one window at rows 10-14 (width 5). Detections by score: row 11 (0.9, inside,
    // y = -(14 - 11 + 1) / 5 = -0.8), row 17 (0.8, 3 rows past the window: y = 3 / 4 = 0.75), row 5 (0.7, before
    // any window: -A_FP), row 0 (0.95, in probation: ignored); every other row scores 0.
    private static NabScoringInput File()
    {
        var scores = new float[20];
        scores[0] = 0.95f;
        scores[11] = 0.9f;
        scores[17] = 0.8f;
        scores[5] = 0.7f;
        return new NabScoringInput(scores, [(10, 14)], 2);
    }

    [Fact]
    public void Points_WeighDetectionsByPositionAndSkipProbation()
    {
        var points = NabScorer.Points(File(), NabProfile.Standard);

        Assert.Equal(18, points.Count);
        Assert.Equal(0.964028 / 0.986614, points.Single(p => p.Score == 0.9f).Weight, 5);
        Assert.Equal(-0.954045 * 0.11, points.Single(p => p.Score == 0.8f).Weight, 5);
        Assert.Equal(-0.11, points.Single(p => p.Score == 0.7f).Weight, 5);
        Assert.Equal(1.0, points[10 - 2].Weight, 5); // the window's first row earns the full A_TP
        Assert.Equal(0, points[11 - 2].Window);
        Assert.Equal(-1, points[17 - 2].Window);
    }

    [Fact]
    public void Score_PicksTheBestCorpusThresholdAndNormalisesAgainstNullAndPerfect()
    {
        var score = NabScorer.Score([File()], NabProfile.Standard);

        // At 0.9 only the early detection counts: 0.977107; lower thresholds add false positives.
        Assert.Equal(0.9f, (float)score.Threshold);
        Assert.Equal(0.977107, score.Raw, 5);
        Assert.Equal(100 * (0.977107 + 1) / 2, score.Normalized, 3);
        Assert.Equal(1, score.Windows);
        Assert.Equal(1, score.Detected);
        Assert.Equal(0, score.FalsePositives);
    }

    [Fact]
    public void Score_ConstantDetector_ScoresZeroAndOneThatFiresAtEveryWindowStart_Scores100()
    {
        // 200 rows, window at rows 100-104: flagging every row would cost far more in false positives than the miss.
        var constant = NabScorer.Score([new NabScoringInput([.. Enumerable.Repeat(0.5f, 200)], [(100, 104)], 30)], NabProfile.Standard);
        var perfectScores = new float[200];
        perfectScores[100] = 1f;
        var perfect = NabScorer.Score([new NabScoringInput(perfectScores, [(100, 104)], 30)], NabProfile.Standard);

        Assert.Equal(-1.0, constant.Raw, 6);
        Assert.Equal(0.0, constant.Normalized, 6);
        Assert.Equal(100.0, perfect.Normalized, 6);
        Assert.Equal(1f, (float)perfect.Threshold);
    }

    [Fact]
    public void Score_RewardLowFnProfile_DoublesTheCostOfAMiss()
    {
        // 200 rows, window at rows 100-104, one high score at row 50 (a false positive): the best is to detect nothing.
        var scores = new float[200];
        scores[50] = 0.7f;
        var score = NabScorer.Score([new NabScoringInput(scores, [(100, 104)], 30)], NabProfile.RewardLowFalseNegatives);
        Assert.Equal(-2.0, score.Raw, 6);
        Assert.Equal(0.0, score.Normalized, 6);
        Assert.Equal(NabScorer.NothingDetected, score.Threshold);
    }
}
