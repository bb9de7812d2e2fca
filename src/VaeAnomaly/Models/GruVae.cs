using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeAnomaly.Models;

/// <summary>GRU encoder-decoder VAE over zero-padded batches shaped (batch, time, channels).</summary>
/// <remarks>
/// Kingma &amp; Welling, "Auto-Encoding Variational Bayes", 2014; beta-ELBO after Higgins et al.,
/// "beta-VAE", 2017. Encoder GRU(C-&gt;64), GRU(64-&gt;32); the state at each sequence's own last
/// step feeds linear heads to the mean and log-variance of a Gaussian latent; the decoder projects
/// z to 32, repeats it over the sequence's length, then GRU(32-&gt;32), GRU(32-&gt;64) and a
/// per-step linear map to C. GRUs run forward in time, so zero padding after a sequence's end can
/// change neither its summary nor its real-step outputs.
/// </remarks>
public sealed class GruVae : nn.Module<Tensor, Tensor, VaeOutput>
{
    private readonly GRU encoder1, encoder2, decoder1, decoder2;
    private readonly Linear toMean, toLogVar, fromLatent, toOutput;

    // The model's own random source for z in training, so runs in parallel threads stay repeatable.
    private readonly Generator sampler;
    private readonly int timeFeatures;

    /// <summary>Builds the network with freshly initialised weights (seed them with <c>torch.manual_seed</c> first).</summary>
    /// <param name="o">Sizes; <see cref="GruVaeOptions.Channels"/> must be set.</param>
    public GruVae(GruVaeOptions o) : base(nameof(GruVae))
    {
        o.Validate();
        encoder1 = nn.GRU(o.Channels, o.EncoderSizes[0], batchFirst: true);
        encoder2 = nn.GRU(o.EncoderSizes[0], o.EncoderSizes[1], batchFirst: true);
        toMean = nn.Linear(o.EncoderSizes[1], o.Latent);
        toLogVar = nn.Linear(o.EncoderSizes[1], o.Latent);
        fromLatent = nn.Linear(o.Latent, o.DecoderSizes[0]);
        timeFeatures = o.TimeFeatures;
        decoder1 = nn.GRU(o.DecoderSizes[0] + (2 * o.TimeFeatures), o.DecoderSizes[0], batchFirst: true);
        decoder2 = nn.GRU(o.DecoderSizes[0], o.DecoderSizes[1], batchFirst: true);
        toOutput = nn.Linear(o.DecoderSizes[1], o.Channels);
        sampler = new Generator((ulong)o.Seed);
        RegisterComponents();
    }

    /// <summary>Encodes, samples z by the reparameterisation trick in training mode (posterior mean otherwise), decodes.</summary>
    /// <param name="x">(batch, time, channels), zero-padded.</param>
    /// <param name="lastStep">(batch) int64 index of each sequence's last real step.</param>
    public override VaeOutput forward(Tensor x, Tensor lastStep)
    {
        var (mean, logVar) = Encode(x, lastStep);
        var z = training ? Reparameterise(mean, logVar, sampler) : mean;
        return new VaeOutput(Decode(z, x.shape[1]), mean, logVar);
    }

    /// <summary>Posterior parameters.</summary>
    /// <param name="x">(batch, time, channels), zero-padded.</param>
    /// <param name="lastStep">(batch) int64 index of each sequence's last real step.</param>
    /// <returns>Mean and log-variance, each (batch, latent).</returns>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor x, Tensor lastStep)
    {
        var (h, _) = encoder2.call(encoder1.call(x).Item1);                     // (batch, time, 32)
        var index = lastStep.view(-1, 1, 1).expand(-1, 1, h.shape[2]);
        var summary = h.gather(1, index).squeeze(1);                            // (batch, 32)
        return (toMean.call(summary), toLogVar.call(summary));
    }

    /// <summary>Decodes latent codes to sequences of <paramref name="steps"/> steps.</summary>
    /// <param name="z">(batch, latent).</param>
    /// <param name="steps">Time steps to produce (the padded length).</param>
    /// <returns>(batch, steps, channels).</returns>
    public Tensor Decode(Tensor z, long steps)
    {
        var start = fromLatent.call(z).unsqueeze(1).expand(-1, steps, -1);     // (batch, steps, 32)
        if (timeFeatures > 0)
        {
            start = cat([start, TimeEncoding(steps, timeFeatures, z.dtype).unsqueeze(0).expand(z.shape[0], -1, -1)], 2);
        }

        var (y, _) = decoder2.call(decoder1.call(start).Item1);                // (batch, steps, 64)
        return toOutput.call(y);
    }

    /// <summary>sin and cos of 2 pi t / P for P = 8, 16, 32, ... (<paramref name="pairs"/> periods).</summary>
    /// <param name="steps">Time steps.</param>
    /// <param name="pairs">Number of periods.</param>
    /// <param name="dtype">Element type.</param>
    /// <returns>(steps, 2 * pairs).</returns>
    public static Tensor TimeEncoding(long steps, int pairs, ScalarType dtype)
    {
        // One native call on values computed here: no implicit Scalar for the garbage collector to free mid-call
        // (see the README on TorchSharp's implicit Scalars), and the fused kernels use the same values.
        using var values = tensor(TimeEncodingValues((int)steps, pairs), [steps, 2 * pairs]);
        return values.to(dtype);
    }

    /// <summary><see cref="TimeEncoding"/>'s values in double precision, (steps, 2 * pairs) row-major: the sines, then the cosines.</summary>
    /// <param name="steps">Time steps.</param>
    /// <param name="pairs">Number of periods.</param>
    public static double[] TimeEncodingValues(int steps, int pairs)
    {
        var values = new double[steps * 2 * pairs];
        for (var t = 0; t < steps; t++)
        {
            for (var k = 0; k < pairs; k++)
            {
                var angle = 2 * Math.PI * t / Math.Pow(2, k + 3);
                values[(t * 2 * pairs) + k] = Math.Sin(angle);
                values[(t * 2 * pairs) + pairs + k] = Math.Cos(angle);
            }
        }

        return values;
    }

    /// <summary>The layers, for <see cref="Performance.FusedGruVae"/>, which copies their weights.</summary>
    internal (GRU Encoder1, GRU Encoder2, Linear ToMean, Linear ToLogVar, Linear FromLatent, GRU Decoder1, GRU Decoder2, Linear ToOutput, int TimeFeatures) Layers =>
        (encoder1, encoder2, toMean, toLogVar, fromLatent, decoder1, decoder2, toOutput, timeFeatures);

    /// <summary>Draws the training noise of a batch of <paramref name="rows"/> as <see cref="forward"/> does (same generator, same shape).</summary>
    /// <param name="rows">Batch size.</param>
    /// <param name="latent">Latent dimensions.</param>
    internal Tensor DrawNoise(long rows, long latent) => randn([rows, latent], dtype: ScalarType.Float32, generator: sampler);

    /// <summary>The state of the sampler that draws z in training (a byte tensor), for checkpoints.</summary>
    public Tensor SamplerState => sampler.get_state();

    /// <summary>Restores the sampler to a state read from <see cref="SamplerState"/>.</summary>
    /// <param name="state">A byte tensor from <see cref="SamplerState"/>.</param>
    public void RestoreSampler(Tensor state) => sampler.set_state(state);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sampler.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>z = mean + eps * exp(logVar / 2), eps ~ N(0, I): differentiable in mean and logVar.</summary>
    /// <param name="mean">(batch, latent).</param>
    /// <param name="logVar">(batch, latent).</param>
    /// <param name="generator">Random source, or null for the global one.</param>
    public static Tensor Reparameterise(Tensor mean, Tensor logVar, Generator? generator = null)
    {
        using var half = 0.5.ToScalar();
        using var one = 1.0.ToScalar(); // add's alpha, given so TorchSharp does not create it implicitly
        return mean.add(randn(mean.shape, dtype: mean.dtype, generator: generator) * logVar.mul(half).exp(), one);
    }
}
