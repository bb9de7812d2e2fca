using VaeAnomaly.Scoring;

namespace VaeAnomaly.Tests.Scoring;

public sealed class SurpriseFlagsTests
{
    [Fact]
    public void Of_SlowDriftThenAJump_FlagsTheJumpButNotTheDrift()
    {
        // Given: scores drifting slowly from 1 to 3 over 300 points (a level no validation part saw), with a little
        // alternation, and a jump of 10 at point 250; the first 10 points are not scored (a window's warm-up)
        var scores = Enumerable.Range(0, 300).Select(t => t < 10 ? 0f : (float)(1 + (2.0 * t / 300) + (t % 2 == 0 ? 0.1 : -0.1) + (t == 250 ? 10 : 0))).ToArray();
        var points = new SeriesPointScores(scores, Threshold: 1.2, FirstScored: 10, Windows: 290);

        // When
        var surprise = SurpriseFlags.Of(points, history: 50);

        // Then: a fixed threshold of 1.2 flags most of the drift; the surprise flags the jump alone
        Assert.True(points.Flags().Count(f => f) > 200);
        Assert.Equal([250], Enumerable.Range(0, 300).Where(t => surprise.Flags()[t]));
        Assert.Equal(SurpriseFlags.Flag, surprise.Threshold);
        Assert.Equal(11, surprise.FirstScored);
        Assert.All(surprise.Scores, s => Assert.InRange(s, 0f, 1f));
    }
}
