using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>pca's window errors against the formula computed in double: e = (x - mean) - (x - mean) P Pᵀ, squared.</summary>
public sealed class PcaModelTests
{
    [Fact]
    public void SquaredErrors_ManyWindowsAtOnceAndOneByOne_EqualTheReconstructionErrorComputedInDouble()
    {
        // Given: windows of 9 steps x 3 columns (27 values: whole vectors and a tail), 4 components, 150 windows (three groups), seeded
        var random = new Random(11);
        var shape = new WindowFeatureShape(["a", "b", "c"], ["a", "b", "c"], 9, 1, 1);
        var (d, k) = (shape.Width, 4);
        float[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        var (mean, basis) = (Draw(d), Draw(d * k));
        var windows = new SequenceSet(["a", "b", "c"], [.. Enumerable.Range(0, 150).Select(i => new Sequence($"w{i}", Draw(d)))]);
        var pca = new PcaModel(shape, mean, basis, k);

        // When
        var together = pca.SquaredErrors(windows);
        var alone = windows.Sequences.SelectMany(w => pca.SquaredErrors(new SequenceSet(["a", "b", "c"], [w]))).ToArray();

        // Then
        for (var i = 0; i < windows.Count; i++)
        {
            var centred = Enumerable.Range(0, d).Select(c => windows.Sequences[i].Values[c] - (double)mean[c]).ToArray();
            var z = Enumerable.Range(0, k).Select(j => Enumerable.Range(0, d).Sum(c => centred[c] * basis[(c * k) + j])).ToArray();
            for (var c = 0; c < d; c++)
            {
                var error = centred[c] - Enumerable.Range(0, k).Sum(j => z[j] * basis[(c * k) + j]);
                Assert.Equal(error * error, together[(i * d) + c], tolerance: 1e-4 * (1 + (error * error))); // float against double
            }
        }

        Assert.Equal(together, alone); // a window scored in a group gives what it gives alone
    }
}
