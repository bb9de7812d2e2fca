namespace VaeAnomaly.Study.Tests;

public sealed class RuleOutcomeTests
{
    [Fact]
    public void Of_OneHitOneFalseAlarmOneMiss_GivesF1OneHalfAndHalfTheNormalRowsFlagged()
    {
        // Given: rows 2-3 anomalous; scores above 0.5 at rows 1 (normal) and 2 (anomalous)
        bool[] labels = [false, false, true, true];
        float[] scores = [0.1f, 0.9f, 0.95f, 0.2f];

        // When
        var outcome = RuleOutcome.Of(labels, scores, 0.5);

        // Then: TP 1, FP 1, FN 1: precision 1/2, recall 1/2, F1 1/2; one of the two normal rows flagged
        Assert.Equal(new RuleOutcome(0.5, 0.5, 0.5), outcome);
    }
}
