using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Tests.Evaluation;

public sealed class PointEvaluationTests
{
    [Fact]
    public void Segments_AreTheRunsOfLabelledPointsIncludingOnesAtBothEnds()
    {
        bool[] labels = [true, true, false, false, true, false, true, true, true];
        Assert.Equal([(0, 1), (4, 4), (6, 8)], PointEvaluation.Segments(labels));
        Assert.Empty(PointEvaluation.Segments([false, false]));
    }

    // Two labelled segments (points 2-4 and 7-8); threshold 0.5 flags points 1 and 3.
    private static readonly bool[] Labels = [false, false, true, true, true, false, false, true, true, false];
    private static readonly float[] Scores = [0.1f, 0.6f, 0.2f, 0.7f, 0.3f, 0.1f, 0.2f, 0.1f, 0.2f, 0.1f];

    [Fact]
    public void Compute_HandExample_GivesEveryCountAndRate()
    {
        // Given: two channels; every error 1 except two of -3 (MAE 24/20 = 1.2, RMSE sqrt(36/20))
        var errors = Enumerable.Repeat(1f, 20).ToArray();
        errors[4] = errors[11] = -3;

        // When
        var e = PointEvaluation.Compute(Labels, Scores, 0.5, errors, pointAdjust: false);

        // Then
        Assert.Equal(new ConfusionCounts(1, 1, 4, 4), e.Confusion);
        Assert.Equal(0.5, e.Confusion.Precision, 12);
        Assert.Equal(0.2, e.Confusion.Recall, 12);
        Assert.Equal(2 * 0.5 * 0.2 / 0.7, e.Confusion.F1, 12);
        Assert.Equal(0.5, e.Confusion.Accuracy, 12);
        Assert.Equal(0.2, e.Confusion.FalseAlarmRate, 12);
        Assert.Equal(0.8, e.Confusion.MissedAlarmRate, 12);
        Assert.Equal(17.5 / 25, e.AucRoc, 12); // pairs won by a positive, ties counted one half, by hand
        Assert.Equal(1.2, e.Mae!.Value, 6);
        Assert.Equal(Math.Sqrt(1.8), e.Rmse!.Value, 6);
        Assert.Null(e.PointAdjusted);
        Assert.Equal((10, 5), (e.Points, e.Anomalous));
    }

    [Fact]
    public void PointAdjust_OneHitInASegment_CreditsTheWholeSegmentOnly()
    {
        var flags = Scores.Select(s => s > 0.5).ToArray();

        var adjusted = PointEvaluation.PointAdjust(Labels, flags);
        var e = PointEvaluation.Compute(Labels, Scores, 0.5, new float[10], pointAdjust: true);

        // The first segment (2-4) is credited through point 3; the second (7-8) has no flag; point 1 stays a false alarm.
        Assert.Equal([false, true, true, true, true, false, false, false, false, false], adjusted);
        Assert.Equal(new ConfusionCounts(3, 1, 4, 2), e.PointAdjusted);
        Assert.Equal(new ConfusionCounts(1, 1, 4, 4), e.Confusion);
    }

    [Fact]
    public void Compute_OneClassOrMismatchedLengths_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => PointEvaluation.Compute([false, false], [0.1f, 0.2f], 0.5, new float[2], false));
        Assert.Throws<ArgumentException>(() => PointEvaluation.Compute(Labels, [0.1f], 0.5, new float[10], false));
    }

    [Fact]
    public void Pool_TwoSeries_CountsASegmentAtTheEndOfOneAndOneAtTheStartOfTheNextApart()
    {
        // Given: a segment that ends the first series and one that starts the second; the first is flagged at its last
        // point, the second not at all, and one false flag in each series
        bool[] firstLabels = [false, false, false, true, true], secondLabels = [true, true, false, false, false];
        float[] firstScores = [0.1f, 0.9f, 0.2f, 0.3f, 0.8f], secondScores = [0.4f, 0.2f, 0.7f, 0.1f, 0.3f];

        // When
        var pooled = PointEvaluation.Pool([(firstLabels, firstScores, []), (secondLabels, secondScores, [])], 0.5, pointAdjust: true);
        var joined = PointEvaluation.Compute([.. firstLabels, .. secondLabels], [.. firstScores, .. secondScores], 0.5, [], pointAdjust: true);

        // Then: counted apart, 2 segments, 1 found (the first, through its last point), 2 false events (points 1 and 7);
        // joined end to end they would be one segment, found. The point-adjusted counts credit the first segment only
        // (TP 2, FP 2, TN 4, FN 2); joined, all four labelled points. Point counts and the ranking are those of the
        // points taken together.
        Assert.Equal(new EventMetrics(2, 1, 2), pooled.Events);
        Assert.Equal(new EventMetrics(1, 1, 2), joined.Events);
        Assert.Equal(new ConfusionCounts(2, 2, 4, 2), pooled.PointAdjusted);
        Assert.Equal(new ConfusionCounts(4, 2, 4, 0), joined.PointAdjusted);
        Assert.Equal(joined.Confusion, pooled.Confusion);
        Assert.Equal((joined.AucPr, joined.AucRoc, joined.Points, joined.Anomalous), (pooled.AucPr, pooled.AucRoc, pooled.Points, pooled.Anomalous));
        Assert.Equal(new ConfusionCounts(1, 2, 4, 3), pooled.Confusion);
    }

    [Fact]
    public void Pool_SeriesOfOneClassEach_IsMeasuredWhenTheyHoldBothTogether_AndRefusedWhenNot()
    {
        // A normal day and a day of incident: each alone has one class; pooled they have both
        var pooled = PointEvaluation.Pool([([false, false], [0.1f, 0.6f], []), ([true, true], [0.7f, 0.2f], [])], 0.5, pointAdjust: false);

        Assert.Equal(new EventMetrics(1, 1, 1), pooled.Events);
        Assert.Equal(0.75, pooled.AucRoc, 12); // pairs (0.7 or 0.2 against 0.1 or 0.6): 3 of 4 won by the anomaly
        Assert.Throws<ArgumentException>(() => PointEvaluation.Pool([([false], [0.1f], []), ([false], [0.2f], [])], 0.5, false));
        Assert.Throws<ArgumentException>(() => PointEvaluation.Pool([([false, true], [0.1f, 0.2f], [0.1f, 0.2f]), ([false, true], [0.1f, 0.2f], [])], 0.5, false));
    }
}
