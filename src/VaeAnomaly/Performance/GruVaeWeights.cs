using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>A GRU layer's weights: transposed for the forward products, as stored for the backward ones.</summary>
/// <remarks>Gates in PyTorch's order: reset, update, new.</remarks>
internal sealed record GruWeights(int Input, int Hidden, float[] InputWeightsT, float[] InputWeights, float[] InputBias, float[] HiddenWeightsT, float[] HiddenWeights, float[] HiddenBias)
{
    /// <summary>The layer <paramref name="name"/> of a state dictionary (<c>encoder1.weight_ih_l0</c>, ...).</summary>
    public static GruWeights From(IReadOnlyDictionary<string, StoredTensor> state, string name)
    {
        var (ih, hh) = (state[$"{name}.weight_ih_l0"], state[$"{name}.weight_hh_l0"]);
        return new GruWeights((int)ih.Shape[1], (int)hh.Shape[1], WeightCopies.Transposed(ih), ih.Values, state[$"{name}.bias_ih_l0"].Values,
            WeightCopies.Transposed(hh), hh.Values, state[$"{name}.bias_hh_l0"].Values);
    }

    /// <summary>The layer's entries of a state dictionary, as stored.</summary>
    public IEnumerable<(string Name, StoredTensor Tensor)> State(string name) =>
    [
        ($"{name}.weight_ih_l0", new([3 * Hidden, Input], InputWeights)),
        ($"{name}.weight_hh_l0", new([3 * Hidden, Hidden], HiddenWeights)),
        ($"{name}.bias_ih_l0", new([3 * Hidden], InputBias)),
        ($"{name}.bias_hh_l0", new([3 * Hidden], HiddenBias)),
    ];

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
    /// <summary>The layer <paramref name="name"/> of a state dictionary (<c>toMean.weight</c>, <c>toMean.bias</c>).</summary>
    public static DenseWeights From(IReadOnlyDictionary<string, StoredTensor> state, string name)
    {
        var w = state[$"{name}.weight"];
        return new((int)w.Shape[1], (int)w.Shape[0], WeightCopies.Transposed(w), w.Values, state[$"{name}.bias"].Values);
    }

    /// <summary>The layer's entries of a state dictionary, as stored.</summary>
    public IEnumerable<(string Name, StoredTensor Tensor)> State(string name) =>
        [($"{name}.weight", new([Output, Input], Weights)), ($"{name}.bias", new([Output], Bias))];

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

    /// <summary>Copies of a model's weights.</summary>
    public static GruVaeWeights Of(GruVae model)
    {
        using var noGrad = no_grad();
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => new StoredTensor(kv.Value.shape, WeightCopies.Values(kv.Value)));
        return From(state, model.Layers.TimeFeatures);
    }

    /// <summary>
    /// The weights of a state dictionary (read from a bundle by <see cref="Persistence.WeightsFile.Read"/>, with no libtorch),
    /// named as <see cref="GruVae"/>'s fields name them.
    /// </summary>
    /// <param name="state">Every tensor of the model, by name.</param>
    /// <param name="timeFeatures">The decoder's time-feature pairs.</param>
    public static GruVaeWeights From(IReadOnlyDictionary<string, StoredTensor> state, int timeFeatures)
    {
        var d1 = GruWeights.From(state, "decoder1");
        var fromLatent = DenseWeights.From(state, "fromLatent");
        var width = fromLatent.Output;
        var g = 3 * d1.Hidden;
        var latentPart = new float[g * width];
        for (var i = 0; i < g; i++)
        {
            d1.InputWeights.AsSpan(i * d1.Input, width).CopyTo(latentPart.AsSpan(i * width));
        }

        return new GruVaeWeights(GruWeights.From(state, "encoder1"), GruWeights.From(state, "encoder2"), DenseWeights.From(state, "toMean"), DenseWeights.From(state, "toLogVar"),
            fromLatent, d1, GruWeights.From(state, "decoder2"), DenseWeights.From(state, "toOutput"), timeFeatures)
        {
            Decoder1LatentInputT = d1.InputWeightsT[..(width * g)],
            Decoder1LatentInput = latentPart,
        };
    }

    /// <summary>Every tensor, named as <see cref="GruVae"/>'s state dictionary names them: what <see cref="From"/> reads.</summary>
    public IReadOnlyDictionary<string, StoredTensor> State() =>
        new[] { Encoder1.State("encoder1"), Encoder2.State("encoder2"), Decoder1.State("decoder1"), Decoder2.State("decoder2") }
            .Concat([ToMean.State("toMean"), ToLogVar.State("toLogVar"), FromLatent.State("fromLatent"), ToOutput.State("toOutput")])
            .SelectMany(layer => layer).ToDictionary(e => e.Name, e => e.Tensor);

    /// <summary>The shape of every tensor a model of <paramref name="options"/> has (as <see cref="GruVae"/> builds it), computed without libtorch.</summary>
    /// <param name="options">Validated options, channels included.</param>
    public static IReadOnlyDictionary<string, long[]> Shapes(GruVaeOptions options)
    {
        var (c, l, e0, e1, d0, d1) = ((long)options.Channels, (long)options.Latent, (long)options.EncoderSizes[0], (long)options.EncoderSizes[1], (long)options.DecoderSizes[0], (long)options.DecoderSizes[1]);
        var shapes = new Dictionary<string, long[]>();
        void Gru(string name, long input, long hidden)
        {
            shapes[$"{name}.weight_ih_l0"] = [3 * hidden, input];
            shapes[$"{name}.weight_hh_l0"] = [3 * hidden, hidden];
            shapes[$"{name}.bias_ih_l0"] = [3 * hidden];
            shapes[$"{name}.bias_hh_l0"] = [3 * hidden];
        }

        void Dense(string name, long input, long output)
        {
            shapes[$"{name}.weight"] = [output, input];
            shapes[$"{name}.bias"] = [output];
        }

        Gru("encoder1", c, e0);
        Gru("encoder2", e0, e1);
        Gru("decoder1", d0 + (2L * options.TimeFeatures), d0);
        Gru("decoder2", d0, d1);
        Dense("toMean", e1, l);
        Dense("toLogVar", e1, l);
        Dense("fromLatent", l, d0);
        Dense("toOutput", d1, c);
        return shapes;
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

    /// <summary>The transpose of a stored (rows, columns) matrix, row-major, computed in C#.</summary>
    public static float[] Transposed(StoredTensor weight)
    {
        var (rows, columns) = ((int)weight.Shape[0], (int)weight.Shape[1]);
        var result = new float[weight.Values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = weight.Values[(r * columns) + c];
            }
        }

        return result;
    }
}
