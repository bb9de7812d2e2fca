using TorchSharp.Modules;
using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>A GRU layer's weights: transposed for the forward products, as stored for the backward ones.</summary>
/// <remarks>Gates in PyTorch's order: reset, update, new.</remarks>
internal sealed record GruWeights(int Input, int Hidden, float[] InputWeightsT, float[] InputWeights, float[] InputBias, float[] HiddenWeightsT, float[] HiddenWeights, float[] HiddenBias)
{
    public static GruWeights Of(GRU gru)
    {
        var p = gru.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var (ih, hh) = (p["weight_ih_l0"], p["weight_hh_l0"]);
        return new GruWeights((int)ih.shape[1], (int)hh.shape[1], WeightCopies.Transposed(ih), WeightCopies.Values(ih), WeightCopies.Values(p["bias_ih_l0"]),
            WeightCopies.Transposed(hh), WeightCopies.Values(hh), WeightCopies.Values(p["bias_hh_l0"]));
    }

    /// <summary>One inference step: gates from the input rows (<paramref name="lda"/> apart) and the state <paramref name="h"/>, updated in place.</summary>
    public void Step(ReadOnlySpan<float> input, int lda, Span<float> h, Span<float> gx, Span<float> gh, int rows)
    {
        var g = 3 * Hidden;
        CpuKernels.MatMulBias(input, lda, InputWeightsT, InputBias, gx, g, rows, g, Input);
        StepFromProjection(gx, h, gh, rows);
    }

    /// <summary>One inference step whose input projection (bias included) is already in <paramref name="gx"/>.</summary>
    public void StepFromProjection(ReadOnlySpan<float> gx, Span<float> h, Span<float> gh, int rows)
    {
        var g = 3 * Hidden;
        CpuKernels.MatMulBias(h, Hidden, HiddenWeightsT, HiddenBias, gh, g, rows, g, Hidden);
        CpuKernels.GruGates(gx, g, gh, h, rows, Hidden);
    }
}

/// <summary>A linear layer: weight (out, in) as stored and transposed.</summary>
internal sealed record DenseWeights(int Input, int Output, float[] WeightsT, float[] Weights, float[] Bias)
{
    public static DenseWeights Of(Linear linear) =>
        new((int)linear.weight!.shape[1], (int)linear.weight.shape[0], WeightCopies.Transposed(linear.weight), WeightCopies.Values(linear.weight), WeightCopies.Values(linear.bias!));

    /// <summary>output (rows, Output) = input (rows, Input) W^T + b, both dense.</summary>
    public void Apply(ReadOnlySpan<float> input, int rows, Span<float> output) =>
        CpuKernels.MatMulBias(input, Input, WeightsT, Bias, output, Output, rows, Output, Input);
}

/// <summary>Copies of a <see cref="GruVae"/>'s weights for <see cref="FusedGruVae"/> and <see cref="FusedBackprop"/>; later changes to the model are not seen.</summary>
internal sealed record GruVaeWeights(GruWeights Encoder1, GruWeights Encoder2, DenseWeights ToMean, DenseWeights ToLogVar, DenseWeights FromLatent, GruWeights Decoder1, GruWeights Decoder2, DenseWeights ToOutput, int TimeFeatures)
{
    public int Channels => Encoder1.Input;

    public int Latent => ToMean.Output;

    /// <summary>Rows of decoder 1's transposed input weight that read fromLatent's output.</summary>
    public float[] Decoder1LatentInputT { get; private init; } = [];

    /// <summary>Decoder 1's input weight restricted to fromLatent's columns, (3H, width) dense.</summary>
    public float[] Decoder1LatentInput { get; private init; } = [];

    public static GruVaeWeights Of(GruVae model)
    {
        using var noGrad = no_grad();
        var l = model.Layers;
        var d1 = GruWeights.Of(l.Decoder1);
        var width = (int)l.FromLatent.weight!.shape[0];
        var g = 3 * d1.Hidden;
        var latentPart = new float[g * width];
        for (var i = 0; i < g; i++)
        {
            d1.InputWeights.AsSpan(i * d1.Input, width).CopyTo(latentPart.AsSpan(i * width));
        }

        return new GruVaeWeights(GruWeights.Of(l.Encoder1), GruWeights.Of(l.Encoder2), DenseWeights.Of(l.ToMean), DenseWeights.Of(l.ToLogVar), DenseWeights.Of(l.FromLatent), d1, GruWeights.Of(l.Decoder2), DenseWeights.Of(l.ToOutput), l.TimeFeatures)
        {
            Decoder1LatentInputT = d1.InputWeightsT[..(width * g)],
            Decoder1LatentInput = latentPart,
        };
    }

    /// <summary>The decoder's time features (steps, 2 pairs) in float, computed without libtorch: this runs on worker threads.</summary>
    public float[] TimeFeatureValues(int steps) => [.. GruVae.TimeEncodingValues(steps, TimeFeatures).Select(v => (float)v)];

    /// <summary>(steps, 3H) time-feature part of decoder 1's input projection; zero without time features.</summary>
    public float[] StepProjection(int steps)
    {
        var g = 3 * Decoder1.Hidden;
        var part = new float[steps * g];
        if (TimeFeatures > 0)
        {
            CpuKernels.MatMulBias(TimeFeatureValues(steps), 2 * TimeFeatures, Decoder1.InputWeightsT.AsSpan(FromLatent.Output * g), [], part, g, steps, g, 2 * TimeFeatures);
        }

        return part;
    }
}

/// <summary>Float copies of a parameter, as stored or transposed.</summary>
internal static class WeightCopies
{
    // Every intermediate stays in a dispose scope until the copy is made: a temporary left to the garbage collector
    // can be finalized while the native call that reads it runs (a serve node died in at::native::transpose).
    public static float[] Values(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().contiguous().data<float>().ToArray();
    }

    public static float[] Transposed(Tensor weight)
    {
        using var scope = NewDisposeScope();
        return weight.detach().t().contiguous().data<float>().ToArray();
    }
}
