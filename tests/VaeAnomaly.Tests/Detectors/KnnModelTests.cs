using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>knn's window errors against a brute-force reference in double: every distance, sorted, the five nearest averaged.</summary>
public sealed class KnnModelTests
{
    [Fact]
    public void SquaredErrors_ManyWindowsAtOnceAndOneByOne_EqualTheMeanSquaredDifferencesToTheFiveNearestFoundBySorting()
    {
        // Given: 300 stored windows of 9 steps x 3 columns (27 values: whole vectors and a tail) and 103 queries (two groups, in fours and a remainder), seeded
        var random = new Random(7);
        var shape = new WindowFeatureShape(["a", "b", "c"], ["a", "b", "c"], 9, 1, 1);
        var (bank, width) = (300, shape.Width);
        var windows = Enumerable.Range(0, bank * width).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray();
        var queries = new SequenceSet(["a", "b", "c"], [.. Enumerable.Range(0, 103).Select(i =>
            new Sequence($"q{i}", [.. Enumerable.Range(0, width).Select(_ => (float)(random.NextDouble() * 5 - 2.5))]))]);
        var knn = new KnnModel(shape, windows, bank);

        // When
        var together = knn.SquaredErrors(queries);
        var alone = queries.Sequences.SelectMany(q => knn.SquaredErrors(new SequenceSet(["a", "b", "c"], [q]))).ToArray();

        // Then
        for (var i = 0; i < queries.Count; i++)
        {
            var x = queries.Sequences[i].Values;
            double Distance(int j) => Enumerable.Range(0, width).Sum(c => Math.Pow(x[c] - (double)windows[j * width + c], 2));
            var nearest = Enumerable.Range(0, bank).OrderBy(Distance).Take(KnnEstimator.Neighbours).ToArray();
            for (var c = 0; c < width; c++)
            {
                var expected = nearest.Average(j => Math.Pow(x[c] - (double)windows[j * width + c], 2));
                Assert.Equal(expected, together[i * width + c], tolerance: 1e-5 * (1 + expected)); // float against double
            }
        }

        Assert.Equal(together, alone); // a window scored in a group of four gives what it gives alone
    }

    [Fact]
    public void SquaredErrors_FewerStoredWindowsThanNeighbours_AveragesOverAllOfThem()
    {
        // Given: two stored one-value windows, 0 and 2
        var knn = new KnnModel(new WindowFeatureShape(["a"], ["a"], 1, 1, 1), [0f, 2f], 2);

        // When
        var errors = knn.SquaredErrors(new SequenceSet(["a"], [new Sequence("q", [3f])]));

        // Then: (9 + 1) / 2
        Assert.Equal([5f], errors);
    }
}
