using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Tests.Models;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Performance;

[Collection(TorchCollection.Name)]
public sealed class FusedBackpropTests
{
    private static readonly GruVaeOptions Small = new() { Channels = 3, EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 4, TimeFeatures = 2, Seed = 5 };

    public static TheoryData<bool, int, int> Cases => new()
    {
        { false, 2, 1 },
        { false, 0, 2 },
        { true, 3, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_AndLoss_MatchLibtorchAutograd(bool defaultSizes, int timeFeatures, int workers)
    {
        // Given: a model with enlarged weights, sequences of unequal length, and the sampler's state, so that both
        // passes draw the same z.
        var options = defaultSizes ? new GruVaeOptions { Channels = 8, TimeFeatures = timeFeatures, Seed = 3 } : Small with { TimeFeatures = timeFeatures };
        using var model = Seeding.Build(5, () => new GruVae(options));
        Scale(model, 2.0);
        model.train();
        var set = GruVaeTests.Random(seed: 21, lengths: [.. Enumerable.Range(0, 19).Select(i => 4 + (i * 5 % 17))], channels: options.Channels);
        using var batch = PaddedBatch.Create(set, [.. Enumerable.Range(0, set.Count)]);
        using var state = model.SamplerState.clone();

        var (loss, rec, kl) = VaeLoss.Compute(model.call(batch.X, batch.LastStep), batch.X, batch.Mask, options.Beta);
        loss.backward();
        var expected = model.parameters().Select(p => p.grad!.clone()).ToArray();
        var expectedLoss = (loss.item<float>(), rec.item<float>(), kl.item<float>());
        foreach (var p in model.parameters())
        {
            p.grad!.zero_();
        }

        model.RestoreSampler(state);

        // When
        var (total, reconstruction, divergence) = new FusedBackprop().LossAndGradients(model, batch.X, batch.LastStep, options.Beta, workers);

        // Then
        Assert.Equal(expectedLoss.Item1, total, 1e-3 * Math.Abs(expectedLoss.Item1));
        Assert.Equal(expectedLoss.Item2, reconstruction, 1e-3 * Math.Abs(expectedLoss.Item2));
        Assert.Equal(expectedLoss.Item3, divergence, 1e-3 * Math.Abs(expectedLoss.Item3) + 1e-6);
        var names = model.named_parameters().Select(p => p.name).ToArray();
        var actual = model.parameters().Select(p => p.grad!).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            var scale = expected[i].abs().max().item<float>();
            var gap = (expected[i] - actual[i]).abs().max().item<float>();
            Assert.True(gap <= 1e-4 * Math.Max(scale, 1e-2), $"{names[i]}: largest difference {gap} (largest gradient {scale})");
            Assert.True(scale > 1e-6, $"{names[i]}: the gradient should not vanish, or the comparison proves little");
        }
    }

    [Fact]
    public void Gradient_MatchesCentralFiniteDifferencesOfTheLibtorchLoss()
    {
        // Given: the loss as libtorch computes it, with the sampler reset before every evaluation.
        using var model = Seeding.Build(5, () => new GruVae(Small));
        Scale(model, 2.0);
        model.train();
        var set = GruVaeTests.Random(seed: 22, lengths: [6, 9, 4, 7, 9, 5, 8, 9, 3]);
        using var batch = PaddedBatch.Create(set, [.. Enumerable.Range(0, set.Count)]);
        using var state = model.SamplerState.clone();
        Tensor Loss()
        {
            model.RestoreSampler(state);
            using var noGrad = no_grad();
            return VaeLoss.Compute(model.call(batch.X, batch.LastStep), batch.X, batch.Mask, Small.Beta).Total;
        }

        // Then: two entries drawn at random from every parameter (so every gate is reached) against
        // (L(w + h) - L(w - h)) / 2h, h = 1e-2 for float32.
        var rng = new Random(3);
        GradientCheck.AssertMatchesFiniteDifferences(model, Loss, entries: 2, tolerance: 2e-2, step: 1e-2,
            gradient: () =>
            {
                model.RestoreSampler(state);
                new FusedBackprop().LossAndGradients(model, batch.X, batch.LastStep, Small.Beta, workers: 2);
            },
            pick: size => [rng.NextInt64(size), rng.NextInt64(size)]);
    }

    [Fact]
    public void Gradients_DoNotDependOnTheNumberOfWorkers()
    {
        using var model = Seeding.Build(5, () => new GruVae(Small));
        model.train();
        var set = GruVaeTests.Random(seed: 23, lengths: [.. Enumerable.Range(0, 33).Select(i => 3 + (i % 11))]);
        using var batch = PaddedBatch.Create(set, [.. Enumerable.Range(0, set.Count)]);
        using var state = model.SamplerState.clone();

        var one = new FusedBackprop().LossAndGradients(model, batch.X, batch.LastStep, Small.Beta, workers: 1);
        var first = model.parameters().Select(p => p.grad!.clone()).ToArray();
        model.RestoreSampler(state);
        var three = new FusedBackprop().LossAndGradients(model, batch.X, batch.LastStep, Small.Beta, workers: 3);

        Assert.Equal(one.Total, three.Total, 1e-4);
        var second = model.parameters().Select(p => p.grad!).ToArray();
        for (var i = 0; i < first.Length; i++)
        {
            Assert.True(first[i].allclose(second[i], rtol: 1e-4, atol: 1e-6), $"parameter {i}");
        }
    }

    [Fact]
    public void Trainer_WithFusedKernels_FollowsTheLibtorchPath()
    {
        // Given: the same seed, data and options but for the backpropagation path.
        var set = GruVaeTests.Random(seed: 24, lengths: [.. Enumerable.Range(0, 40).Select(i => 6 + (i % 9))]);
        var train = set.Subset([.. Enumerable.Range(0, 32)]);
        var validation = set.Subset([.. Enumerable.Range(32, 8)]);
        IReadOnlyList<EpochReport> Run(bool fused, out Tensor[] weights)
        {
            using var model = Seeding.Build(5, () => new GruVae(Small));
            var history = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 7, FusedKernels = fused }).Fit(model, Small.Beta, train, validation);
            weights = [.. model.parameters().Select(p => p.detach().clone())];
            return history;
        }

        // When
        var plain = Run(false, out var plainWeights);
        var fused = Run(true, out var fusedWeights);

        // Then: six Adam steps later the losses and weights agree to float rounding carried through the steps.
        Assert.Equal(plain.Count, fused.Count);
        for (var e = 0; e < plain.Count; e++)
        {
            Assert.Equal(plain[e].TrainTotal, fused[e].TrainTotal, 1e-4 * plain[e].TrainTotal);
            Assert.Equal(plain[e].ValidationTotal, fused[e].ValidationTotal, 1e-4 * plain[e].ValidationTotal);
        }

        for (var i = 0; i < plainWeights.Length; i++)
        {
            Assert.True(plainWeights[i].allclose(fusedWeights[i], rtol: 1e-3, atol: 1e-5), $"parameter {i}");
        }
    }

    private static void Scale(GruVae model, double factor)
    {
        using var noGrad = no_grad();
        foreach (var p in model.parameters())
        {
            p.mul_(factor);
        }
    }
}
