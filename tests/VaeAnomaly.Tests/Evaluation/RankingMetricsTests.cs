using System.Text.Json;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Tests.Evaluation;

/// <summary>Every metric against scikit-learn's values in shared/testvectors/metrics.json, within 1e-9.</summary>
public sealed class RankingMetricsTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in LoadCases())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void AveragePrecision_VectorCase_MatchesScikitLearn(string name)
    {
        // Given
        var (labels, scores, expected) = Case(name);

        // When
        var ap = RankingMetrics.AveragePrecision(labels, scores);

        // Then
        Assert.Equal(expected.GetProperty("average_precision").GetDouble(), ap, Tolerance);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RocAuc_VectorCase_MatchesScikitLearn(string name)
    {
        var (labels, scores, expected) = Case(name);
        Assert.Equal(expected.GetProperty("roc_auc").GetDouble(), RankingMetrics.RocAuc(labels, scores), Tolerance);
    }

    [Fact]
    public void RocAuc_MoreThan65536Anomalies_DoesNotOverflow()
    {
        // 70,000 anomalies all above 10 normals, with one anomaly tied with the top normal: U = 70,000 x 10 - 1/2.
        var labels = Enumerable.Range(0, 70_010).Select(i => i >= 10).ToArray();
        var scores = Enumerable.Range(0, 70_010).Select(i => i == 10 ? 9.0 : i).ToArray();

        Assert.Equal(1 - (0.5 / 700_000), RankingMetrics.RocAuc(labels, scores), 12);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RecallAtPrecision_VectorCaseAt95And90_MatchesScikitLearn(string name)
    {
        var (labels, scores, expected) = Case(name);
        Assert.Equal(expected.GetProperty("recall_at_precision_095").GetDouble(), RankingMetrics.RecallAtPrecision(labels, scores, 0.95), Tolerance);
        Assert.Equal(expected.GetProperty("recall_at_precision_090").GetDouble(), RankingMetrics.RecallAtPrecision(labels, scores, 0.90), Tolerance);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void PrecisionAtK_VectorCase_MatchesScikitLearn(string name)
    {
        var (labels, scores, expected) = Case(name);
        var pak = expected.GetProperty("precision_at_k");
        Assert.Equal(pak.GetProperty("value").GetDouble(), RankingMetrics.PrecisionAtK(labels, scores, pak.GetProperty("k").GetInt32()), Tolerance);
        Assert.Equal(pak.GetProperty("value").GetDouble(), RankingMetrics.PrecisionAtK(labels, scores), Tolerance);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BestF1_VectorCase_MatchesScoreAndThreshold(string name)
    {
        var (labels, scores, expected) = Case(name);

        var (f1, threshold) = RankingMetrics.BestF1(labels, scores);

        Assert.Equal(expected.GetProperty("best_f1").GetDouble(), f1, Tolerance);
        Assert.Equal(expected.GetProperty("best_f1_threshold").GetDouble(), threshold, Tolerance);
    }

    [Fact]
    public void ScoreMetrics_TwoTypes_ComparesEachTypeWithAllNormals()
    {
        // Given: type "a" is ranked perfectly, type "b" below every normal.
        bool[] labels = [true, true, false, false, true];
        double[] scores = [0.9, 0.8, 0.5, 0.4, 0.1];
        string[] types = ["a", "a", "normal", "normal", "b"];

        // When
        var metrics = ScoreMetrics.Compute(labels, scores, types);

        // Then
        Assert.Equal(1.0, metrics.ByType["a"].AucRoc, Tolerance);
        Assert.Equal(0.0, metrics.ByType["b"].AucRoc, Tolerance);
        Assert.Equal(2, metrics.ByType["a"].Count);
        Assert.Equal(1.0 / 3.0, metrics.ByType["b"].AucPr, Tolerance);
    }

    [Fact]
    public void AveragePrecision_NoPositives_Throws()
    {
        Assert.Throws<ArgumentException>(() => RankingMetrics.AveragePrecision([false, false], [0.1, 0.2]));
    }

    private static (bool[] Labels, double[] Scores, JsonElement Expected) Case(string name)
    {
        var c = LoadCases().Single(e => e.GetProperty("name").GetString() == name);
        var labels = c.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32() == 1).ToArray();
        var scores = c.GetProperty("scores").EnumerateArray().Select(s => s.GetDouble()).ToArray();
        return (labels, scores, c);
    }

    private static IEnumerable<JsonElement> LoadCases()
    {
        if (!File.Exists(TestPaths.MetricVectors))
        {
            throw new FileNotFoundException(
                $"The metric test vectors are missing: expected {TestPaths.MetricVectors} (the shared/ folder beside the checkout).");
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.MetricVectors));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
