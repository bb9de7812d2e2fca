using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Tests.Evaluation;

public sealed class CurveAndCountTests
{
    [Fact]
    public void RocCurve_SmallCase_HasHandComputedPoints()
    {
        // scores 0.9(1) 0.8(0) 0.7(1) 0.1(0): points (0,0) (0,.5) (.5,.5) (.5,1) (1,1)
        var (fpr, tpr) = RocCurve.Compute([true, false, true, false], [0.9, 0.8, 0.7, 0.1]);

        Assert.Equal([0, 0, 0.5, 0.5, 1], fpr);
        Assert.Equal([0, 0.5, 0.5, 1, 1], tpr);
    }

    [Fact]
    public void ConfusionCounts_AtThreshold_CountsStrictlyAbove()
    {
        var c = ConfusionCounts.At([true, true, false, false, false], [0.9, 0.5, 0.5, 0.7, 0.1], 0.5);

        Assert.Equal((1, 1, 2, 1), (c.TruePositives, c.FalsePositives, c.TrueNegatives, c.FalseNegatives));
        Assert.Equal(0.5, c.Precision);
        Assert.Equal(0.5, c.Recall);
        Assert.Equal(1.0 / 3.0, c.FalseAlarmRate, 12);
    }

    [Fact]
    public void RandomBaseline_TenPercentAnomalies_IsTheRatio()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i < 10).ToArray();

        var b = RandomBaseline.For(labels);

        Assert.Equal(0.1, b.AucPr, 12);
        Assert.Equal(0.5, b.AucRoc);
        Assert.Equal(0.2 / 1.1, b.BestF1, 12);
    }

    [Fact]
    public void Project2D_PointsOnAPlane_KeepsTheirDistances()
    {
        // Points spread along (1,1,0) and (0,0,1) in 3-D: the projection is an isometry of that plane.
        float[][] points = [[0, 0, 0], [2, 2, 0], [1, 1, 3], [4, 4, 1], [3, 3, -2]];

        var projected = PrincipalComponents.Project2D(points);

        for (var i = 0; i < points.Length; i++)
        {
            for (var j = i + 1; j < points.Length; j++)
            {
                var original = Math.Sqrt(points[i].Zip(points[j], (a, b) => (double)(a - b) * (a - b)).Sum());
                var flat = Math.Sqrt(Math.Pow(projected[i].X - projected[j].X, 2) + Math.Pow(projected[i].Y - projected[j].Y, 2));
                Assert.Equal(original, flat, 6);
            }
        }
    }
}
