using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Scoring;
using VaeAnomaly.Tests.Models;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Performance;

[Collection(TorchCollection.Name)]
public sealed class ParallelPathTests
{
    private static readonly GruVaeOptions Options = new() { Channels = 3, EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 4, TimeFeatures = 2, Seed = 5 };

    [Fact]
    public void Scorer_WithOneOrTwoLibtorchThreads_GivesTheSameScoresWithin1e5()
    {
        using var model = Seeding.Build(5, () => new GruVae(Options));
        var set = GruVaeTests.Random(seed: 10, lengths: [9, 12, 15, 12, 9, 20, 11, 14]);
        var threads = get_num_threads();
        SequenceScores one, two;
        try
        {
            set_num_threads(1);
            one = GruVaeScorer.Score(model, set, batchSize: 4);
            set_num_threads(2);
            two = GruVaeScorer.Score(model, set, batchSize: 4);
        }
        finally
        {
            set_num_threads(threads);
        }

        for (var i = 0; i < set.Count; i++)
        {
            Assert.Equal(one.Reconstruction[i], two.Reconstruction[i], 1e-5);
            Assert.Equal(one.Kl[i], two.Kl[i], 1e-5);
        }
    }

    [Fact]
    public void ParallelTraining_MasterGradientIsTheSumOfTheSlicesWeightedGradients()
    {
        // Given: a master and, for the reference, twins of the two replicas (same weights, same sampler seeds).
        using var master = Seeding.Build(5, () => new GruVae(Options));
        using var optimizer = optim.SGD(master.parameters(), 0.1);
        using var parallel = new ParallelTraining(master, Options, optimizer, workers: 2, clipNorm: 0);
        using var twin1 = new GruVae(Options with { Seed = Options.Seed + 1 });
        using var twin2 = new GruVae(Options with { Seed = Options.Seed + 2 });
        var set = GruVaeTests.Random(seed: 11, lengths: [10, 10, 10, 10, 10]);
        using var batch = PaddedBatch.Create(set, [.. Enumerable.Range(0, 5)]);
        var before = master.parameters().Select(p => p.detach().clone()).ToArray();
        CopyInto(before, twin1);
        CopyInto(before, twin2);
        var reference = new Tensor[before.Length];
        foreach (var (twin, start, length) in new[] { (twin1, 0, 3), (twin2, 3, 2) })
        {
            twin.train();
            var x = batch.X.narrow(0, start, length);
            var (loss, _, _) = VaeLoss.Compute(twin.call(x, batch.LastStep.narrow(0, start, length)), x, batch.Mask.narrow(0, start, length), Options.Beta);
            (loss * (length / 5.0)).backward();
        }

        var p1 = twin1.parameters().ToArray();
        var p2 = twin2.parameters().ToArray();
        for (var p = 0; p < reference.Length; p++)
        {
            reference[p] = p1[p].grad! + p2[p].grad!;
        }

        // When
        parallel.Step(batch.X, batch.LastStep, batch.Mask);

        // Then: the master's gradient is the reference sum, and SGD moved it by -0.1 x that gradient.
        var after = master.parameters().ToArray();
        for (var p = 0; p < after.Length; p++)
        {
            Assert.True(after[p].grad!.allclose(reference[p], rtol: 1e-4, atol: 1e-6), $"parameter {p}");
            Assert.True(after[p].detach().allclose(before[p] - (0.1 * reference[p]), rtol: 1e-4, atol: 1e-6), $"parameter {p} step");
        }
    }

    private static void CopyInto(Tensor[] weights, GruVae model)
    {
        using var noGrad = no_grad();
        var target = model.parameters().ToArray();
        for (var p = 0; p < target.Length; p++)
        {
            target[p].copy_(weights[p]);
        }
    }
}
