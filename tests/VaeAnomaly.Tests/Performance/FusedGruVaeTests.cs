using System.Runtime.Intrinsics;
using TorchSharp;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;
using VaeAnomaly.Scoring;
using VaeAnomaly.Tests.Models;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Performance;

[Collection(TorchCollection.Name)]
public sealed class FusedGruVaeTests
{
    // Small layers (3 x 8 = 24 and 3 x 6 = 18 gate columns) reach both the register-blocked and the tail paths.
    private static readonly GruVaeOptions Small = new() { Channels = 3, EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 4, TimeFeatures = 2, Seed = 5 };

    public static TheoryData<bool, int, int> Cases => new()
    {
        { false, 0, 1 },
        { false, 2, 2 },
        { false, 0, 3 },
        { true, 3, 2 },
        { true, 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_GivesTheModelsPosteriorMeanPassWithin1e5(bool defaultSizes, int timeFeatures, int workers)
    {
        // Given: weights scaled up so that gates saturate and sequences of unequal length (zero-padded).
        var options = defaultSizes ? new GruVaeOptions { Channels = 8, TimeFeatures = timeFeatures, Seed = 3 } : Small with { TimeFeatures = timeFeatures };
        using var model = Seeding.Build(5, () => new GruVae(options));
        Scale(model, 3.0);
        model.eval();
        var lengths = Enumerable.Range(0, 37).Select(i => 5 + (i * 7 % 23)).ToArray();
        var set = GruVaeTests.Random(seed: 9, lengths: lengths, channels: options.Channels);
        using var batch = PaddedBatch.Create(set, [.. Enumerable.Range(0, set.Count)]);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (mean, logVar) = model.Encode(batch.X, batch.LastStep);
        var reconstruction = model.Decode(mean, batch.X.shape[1]);

        // When
        var fused = FusedGruVae.From(model).Forward(batch.X, batch.LastStep, workers);

        // Then: within 1e-5 of libtorch's pass, plus libtorch's own float rounding (its distance from the same model in
        // double precision: on AVX-512 machines its kernels sum in another order, and saturated gates carry the
        // difference through the steps)
        model.to(ScalarType.Float64);
        var (exactMean, exactLogVar) = model.Encode(batch.X.to(ScalarType.Float64), batch.LastStep);
        var exactReconstruction = model.Decode(exactMean, batch.X.shape[1]);
        Assert.Equal(reconstruction.shape, fused.Reconstruction.shape);
        AssertWithin(mean, fused.Mean, exactMean, "mean");
        AssertWithin(logVar, fused.LogVar, exactLogVar, "log-variance");
        AssertWithin(reconstruction, fused.Reconstruction, exactReconstruction, "reconstruction");
        Assert.True(reconstruction.std().item<float>() > 0.05, "the reconstruction should vary, or the comparison proves little");
    }

    private static void AssertWithin(Tensor libtorch, Tensor fused, Tensor exact, string what)
    {
        var rounding = (libtorch.to(ScalarType.Float64) - exact).abs().max().item<double>();
        var difference = (libtorch - fused).abs().max().item<float>();
        Assert.True(difference <= 1e-5 + rounding, $"{what}: largest difference {difference}, libtorch's own rounding {rounding}");
    }

    [Fact]
    public void Decode_GivesTheModelsDecoderWithin1e5_ForAnyLatentCode()
    {
        using var model = Seeding.Build(5, () => new GruVae(Small));
        Scale(model, 2.0);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = randn(13, Small.Latent, generator: new TorchSharp.torch.Generator(4)) * 2;

        var expected = model.Decode(z, 17);
        var actual = FusedGruVae.From(model).Decode(z, 17, workers: 2);

        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-5), $"largest difference {(expected - actual).abs().max().item<float>()}");
    }

    [Fact]
    public void Scorer_ReconstructionScore_IsTheMeanSquaredErrorOfThePlainModelsReconstruction()
    {
        // Given: the scorer (fused path) and the same quantity computed from the plain model, sequence by sequence.
        using var model = Seeding.Build(5, () => new GruVae(Small));
        Scale(model, 2.0);
        var set = GruVaeTests.Random(seed: 12, lengths: [9, 12, 15, 12, 9, 20, 11, 14, 30]);

        var scores = GruVaeScorer.Score(model, set, batchSize: 4);

        model.eval();
        using var noGrad = no_grad();
        for (var i = 0; i < set.Count; i++)
        {
            using var scope = NewDisposeScope();
            using var batch = PaddedBatch.Create(set, [i]);
            var (mean, _) = model.Encode(batch.X, batch.LastStep);
            var expected = (model.Decode(mean, batch.X.shape[1]) - batch.X).square().mean().item<float>();
            Assert.Equal(expected, scores.Reconstruction[i], 1e-5);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scorer_PosteriorMeanScoresWithoutLibtorch_EqualTheTensorPathsWithin1e5(bool watchTwo)
    {
        // Given: the plain scores (arrays only) and the same ones from the tensor path, which latent scores force
        using var model = Seeding.Build(5, () => new GruVae(Small));
        Scale(model, 2.0);
        var set = GruVaeTests.Random(seed: 13, lengths: [9, 12, 15, 12, 9, 20, 11, 14, 30]);
        int[]? targets = watchTwo ? [0, 2] : null;
        var latent = new LatentScoring([1.0, 1.0, 1.0], MahalanobisModel.Fit([[0f, 0f, 0f, 1f], [1f, 0f, 0f, 0f], [0f, 1f, 1f, 0f], [0f, 0f, 1f, 1f], [1f, 1f, 0f, 1f]]), ImportanceSamples: 2);

        // When
        var plain = GruVaeScorer.Score(model, set, batchSize: 4, targets: targets);
        var tensors = GruVaeScorer.Score(model, set, batchSize: 4, latent: latent, targets: targets);

        // Then: every score the two share, sequence by sequence
        static void Close(IEnumerable<float> expected, IEnumerable<float> actual) =>
            Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First)), $"{p.First} vs {p.Second}"));
        Close(tensors.Reconstruction, plain.Reconstruction);
        Close(tensors.Kl, plain.Kl);
        for (var i = 0; i < set.Count; i++)
        {
            Assert.Equal(tensors.StepErrors[i].Length, plain.StepErrors[i].Length);
            Close(tensors.StepErrors[i], plain.StepErrors[i]);
            Close(tensors.ChannelErrors[i], plain.ChannelErrors[i]);
            Close(tensors.LatentMeans[i], plain.LatentMeans[i]);
            Close(tensors.LatentLogVars[i], plain.LatentLogVars[i]);
        }

        Assert.Empty(plain.Mahalanobis);
        Assert.Equal(set.Count, tensors.Mahalanobis.Length);
    }

    [Fact]
    public void Scorer_WithOneOrTwoLibtorchThreads_GivesTheSameScoresWithin1e5()
    {
        using var model = Seeding.Build(5, () => new GruVae(Small));
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
    public void Scorer_GivesBackLibtorchsThreadCount()
    {
        using var model = Seeding.Build(5, () => new GruVae(Small));
        var set = GruVaeTests.Random(seed: 13, lengths: [9, 12, 15]);
        var before = get_num_threads();

        GruVaeScorer.Score(model, set, batchSize: 2);

        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void Encode_RejectsInputOfTheWrongSize_AndLastStepsOutsideTheSequence()
    {
        using var model = Seeding.Build(5, () => new GruVae(Small));
        var fused = FusedGruVae.From(model);

        Assert.Throws<ArgumentException>(() => fused.Encode(new float[(2 * 5 * 3) - 1], 2, 5, [4, 4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fused.Encode(new float[2 * 5 * 3], 2, 5, [4, 5]));
        Assert.Throws<ArgumentException>(() => fused.Decode(new float[7], 2, 5));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 24, 7)]
    [InlineData(9, 50, 13)]
    [InlineData(13, 96, 32)]
    [InlineData(3, 5, 2)]
    public void MatMulBias_MatchesTheDefinition(int m, int n, int k)
    {
        // Given: rows of a and c further apart than their widths, to check the strides.
        var rng = new Random(m + (31 * n) + (97 * k));
        var (lda, ldc) = (k + 3, n + 2);
        var a = Enumerable.Range(0, m * lda).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var w = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var c = Enumerable.Repeat(99f, m * ldc).ToArray();

        CpuKernels.MatMulBias(a, lda, w, bias, c, ldc, m, n, k);

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < ldc; j++)
            {
                var expected = j < n ? bias[j] + Enumerable.Range(0, k).Sum(p => (double)a[(i * lda) + p] * w[(p * n) + j]) : 99.0;
                Assert.Equal(expected, c[(i * ldc) + j], 1e-5);
            }
        }
    }

    [Fact]
    public void Exp_IsWithin3e7RelativeOfMathExp_AcrossTheFloatRange()
    {
        var rng = new Random(1);
        var worst = 0.0;
        for (var i = 0; i < 20000; i++)
        {
            var x = Vector256.Create([.. Enumerable.Range(0, 8).Select(_ => (float)((rng.NextDouble() * 170) - 85))]);
            var y = CpuKernels.Exp(x);
            for (var j = 0; j < 8; j++)
            {
                var exact = Math.Exp(x[j]);
                worst = Math.Max(worst, Math.Abs(y[j] - exact) / exact);
            }
        }

        Assert.True(worst < 3e-7, $"largest relative error {worst}");
        Assert.Equal(1f, CpuKernels.Exp(Vector256<float>.Zero)[0]);
        Assert.True(CpuKernels.Exp(Vector256.Create(-1000f))[0] is >= 0 and < 1e-37f);
        Assert.True(float.IsFinite(CpuKernels.Exp(Vector256.Create(1000f))[0]));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(8, 24, 30)]
    [InlineData(13, 50, 7)]
    [InlineData(64, 192, 40)]
    public void MatMulTransposedA_MatchesTheDefinition_AndAccumulates(int m, int n, int k)
    {
        // Given: A stored (k, m) with rows m + 1 apart, C with rows n + 3 apart holding 0.5 before.
        var rng = new Random(m + (7 * n) + (13 * k));
        var lda = m + 1;
        var ldc = n + 3;
        var a = Enumerable.Range(0, k * lda).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var w = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var c = Enumerable.Repeat(0.5f, m * ldc).ToArray();

        CpuKernels.MatMulTransposedA(a, lda, w, c, ldc, m, n, k, accumulate: true);

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < ldc; j++)
            {
                var expected = j < n ? 0.5 + Enumerable.Range(0, k).Sum(p => (double)a[(p * lda) + i] * w[(p * n) + j]) : 0.5;
                Assert.Equal(expected, c[(i * ldc) + j], 1e-5);
            }
        }
    }

    [Fact]
    public void GruGates_KnownAnswer()
    {
        // One row, one unit: r = sigmoid(0 + 0) = 0.5, z = sigmoid(ln 3 + 0) = 0.75, n = tanh(0.2 + 0.5 * 0.4) = tanh(0.4),
        // h = 0.25 n + 0.75 * 2.
        float[] gx = [0f, MathF.Log(3f), 0.2f];
        float[] gh = [0f, 0f, 0.4f];
        float[] h = [2f];

        CpuKernels.GruGates(gx, 3, gh, h, 1, 1);

        Assert.Equal((0.25 * Math.Tanh(0.4)) + 1.5, h[0], 1e-6);
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
