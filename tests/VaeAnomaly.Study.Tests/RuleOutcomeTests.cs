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

    [Fact]
    public void WithRanking_ARulesOwnScores_GivesTheirAucPrAndBestF1ByHand_AndNoneWithoutAnAnomaly()
    {
        // Given: ranked by score the rows are anomalous, normal, anomalous, normal
        bool[] labels = [false, false, true, true];
        float[] scores = [0.1f, 0.9f, 0.95f, 0.2f];

        // When
        var ranked = RuleOutcome.Of(labels, scores, 0.5).WithRanking(labels, scores);
        var normalOnly = RuleOutcome.Of([false, false], [0.1f, 0.9f], 0.5).WithRanking([false, false], [0.1f, 0.9f]);

        // Then: average precision (1 + 2/3) / 2; the best F1 flags the top three (precision 2/3, recall 1: F1 0.8)
        Assert.Equal(5.0 / 6, ranked.AucPr!.Value, 12);
        Assert.Equal(0.8, ranked.BestF1!.Value, 12);
        Assert.Null(normalOnly.AucPr);
        Assert.Null(normalOnly.BestF1);
    }
}
