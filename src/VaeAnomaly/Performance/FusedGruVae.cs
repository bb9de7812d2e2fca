using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>
/// The GRU-VAE's inference pass (posterior mean and log-variance, decoding of given latent codes) computed
/// in C# on a copy of a trained model's weights, for scoring. The straightforward TorchSharp model issues
/// a dozen small libtorch operations per GRU layer and time step, each costing more in dispatch and
/// allocation than in arithmetic; here each step of each layer is two register-blocked matrix products and
/// one pass of fused gate arithmetic over buffers that stay in cache, the four layers of the encoder (and
/// of the decoder) advance together step by step so no layer's whole output is stored, the decoder's first
/// layer projects z once per sequence and the time features once per step (its input is the same z at
/// every step), and the batch is cut into chunks of 32 sequences spread over libtorch's threads. Same formulas as PyTorch's GRU
/// (gate order reset, update, new); results agree with the model to float rounding (tested within 1e-5).
/// The tensor methods reuse the instance's input and output buffers (fresh arrays of a batch's size cost more in
/// page faults than copying), so one instance serves one caller at a time.
/// </summary>
internal sealed class FusedGruVae : IGruVaeForward
{
    private readonly GruVaeWeights net;
    private readonly int workers;
    private float[] input = [], output = [];

    private FusedGruVae(GruVaeWeights weights, int workers)
    {
        this.workers = workers;
        net = weights;
    }

    /// <summary>Input channels.</summary>
    public int Channels => net.Channels;

    /// <summary>Latent dimensions.</summary>
    public int Latent => net.Latent;

    /// <summary>Copies the weights of <paramref name="model"/>; later changes to the model are not seen.</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="workers">Threads for the kernels; 0 takes libtorch's thread count now, before a caller lowers it with <see cref="LibtorchThreads"/>.</param>
    public static FusedGruVae From(GruVae model, int workers = 0) => new(GruVaeWeights.Of(model), workers > 0 ? workers : get_num_threads());

    /// <summary>Runs on weights already copied (read from a bundle without libtorch); the weights are shared, not copied.</summary>
    /// <param name="weights">The model's weights.</param>
    /// <param name="workers">Threads for the kernels.</param>
    public static FusedGruVae From(GruVaeWeights weights, int workers) => new(weights, Math.Max(1, workers));

    /// <summary>Posterior mean and log-variance, each (batch, latent) row-major.</summary>
    /// <param name="x">(batch, steps, channels) row-major, zero-padded (values after those are ignored).</param>
    /// <param name="batch">Sequences.</param>
    /// <param name="steps">Padded length.</param>
    /// <param name="lastStep">Per sequence, the index of its last real step.</param>
    /// <param name="workers">Threads; 0 uses the count given at construction.</param>
    public (float[] Mean, float[] LogVar) Encode(float[] x, int batch, int steps, IReadOnlyList<int> lastStep, int workers = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length < (long)batch * steps * Channels || lastStep.Count != batch)
        {
            throw new ArgumentException($"Expected {batch} x {steps} x {Channels} values and {batch} last steps, got {x.Length} values and {lastStep.Count}.");
        }

        if (lastStep.Any(t => t < 0 || t >= steps))
        {
            throw new ArgumentOutOfRangeException(nameof(lastStep), $"Last steps must lie in [0, {steps}).");
        }

        var mean = new float[batch * Latent];
        var logVar = new float[batch * Latent];
        InSlices(batch, workers, (from, rows) => EncodeSlice(x, steps, lastStep, from, rows, mean, logVar));
        return (mean, logVar);
    }

    /// <inheritdoc />
    public string Engine => "fused";

    /// <inheritdoc />
    public (float[] Mean, float[] LogVar, float[] Reconstruction) Run(float[] x, int batch, int steps, int[] lastStep)
    {
        var (mean, logVar) = Encode(x, batch, steps, lastStep);
        return (mean, logVar, Decode(mean, batch, steps));
    }

    /// <summary>Nothing to release: the weights are managed arrays.</summary>
    public void Dispose()
    {
    }

    /// <summary>Reconstruction (batch, steps, channels) row-major of latent codes <paramref name="z"/> (batch, latent).</summary>
    /// <param name="z">Latent codes, row-major.</param>
    /// <param name="batch">Codes.</param>
    /// <param name="steps">Steps to produce.</param>
    /// <param name="workers">Threads; 0 uses the count given at construction.</param>
    public float[] Decode(float[] z, int batch, int steps, int workers = 0)
    {
        var result = new float[batch * steps * Channels];
        DecodeInto(z, batch, steps, result, workers);
        return result;
    }

    private void DecodeInto(float[] z, int batch, int steps, float[] output, int workers)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Length != (long)batch * Latent)
        {
            throw new ArgumentException($"Expected {batch} x {Latent} latent values, got {z.Length}.", nameof(z));
        }

        // The decoder's first layer reads [fromLatent(z), time features of t]: its input projection splits into a
        // per-sequence part and a per-step part shared by every sequence.
        var stepPart = net.StepProjection(steps);
        InSlices(batch, workers, (from, rows) => DecodeSlice(z, steps, stepPart, from, rows, output));
    }

    /// <summary>The posterior-mean pass of <see cref="GruVae.forward"/> in evaluation mode, as tensors.</summary>
    /// <param name="x">(batch, time, channels), zero-padded, float32 on the CPU.</param>
    /// <param name="lastStep">(batch) int64 index of each sequence's last real step.</param>
    /// <param name="workers">Threads; 0 uses the count given at construction.</param>
    public VaeOutput Forward(Tensor x, Tensor lastStep, int workers = 0)
    {
        var (batch, steps) = ((int)x.shape[0], (int)x.shape[1]);
        var (mean, logVar) = Encode(Read(x, ref input), batch, steps, lastStep.data<long>().Select(t => (int)t).ToArray(), workers);
        return new VaeOutput(DecodeTensor(mean, batch, steps, workers), tensor(mean, [batch, Latent]), tensor(logVar, [batch, Latent]));
    }

    /// <summary><see cref="GruVae.Decode"/> as tensors.</summary>
    /// <param name="z">(batch, latent) float32 on the CPU.</param>
    /// <param name="steps">Steps to produce.</param>
    /// <param name="workers">Threads; 0 uses the count given at construction.</param>
    public Tensor Decode(Tensor z, long steps, int workers = 0)
    {
        var batch = (int)z.shape[0];
        return DecodeTensor(z.contiguous().data<float>().ToArray(), batch, (int)steps, workers);
    }

    private Tensor DecodeTensor(float[] z, int batch, int steps, int workers)
    {
        var n = batch * steps * Channels;
        if (output.Length < n)
        {
            output = new float[n];
        }

        DecodeInto(z, batch, steps, output, workers);
        var result = empty([batch, steps, Channels], ScalarType.Float32);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(output.AsSpan(0, n)).CopyTo(result.bytes);
        return result;
    }

    /// <summary>A float32 CPU tensor's values, copied into the start of <paramref name="buffer"/> (replaced when too small).</summary>
    private static float[] Read(Tensor t, ref float[] buffer)
    {
        using var contiguous = t.contiguous();
        if (contiguous.dtype != ScalarType.Float32 || contiguous.device_type != TorchSharp.DeviceType.CPU)
        {
            throw new ArgumentException($"Expected a float32 tensor on the CPU, got {contiguous.dtype} on {contiguous.device_type}.", nameof(t));
        }

        if (buffer.Length < contiguous.numel())
        {
            buffer = new float[contiguous.numel()];
        }

        contiguous.bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan(0, (int)contiguous.numel())));
        return buffer;
    }

    /// <summary>Runs <paramref name="slice"/>(first row, rows) over the batch cut into <see cref="RowChunks"/>, spread over the workers.</summary>
    private void InSlices(int batch, int workers, Action<int, int> slice) =>
        RowChunks.Run(batch, workers > 0 ? workers : this.workers, (_, from, rows) => slice(from, rows));

    private void EncodeSlice(float[] x, int steps, IReadOnlyList<int> lastStep, int from, int rows, float[] mean, float[] logVar)
    {
        using var scratch = new Scratch();
        var h1 = scratch.Zeroed(rows * net.Encoder1.Hidden);
        var h2 = scratch.Zeroed(rows * net.Encoder2.Hidden);
        var gx = scratch.Rent(rows * 3 * Math.Max(net.Encoder1.Hidden, net.Encoder2.Hidden));
        var gh = scratch.Rent(gx.Length);
        var summary = scratch.Rent(rows * net.Encoder2.Hidden);
        var stride = steps * Channels;
        var lastNeeded = Enumerable.Range(from, rows).Max(r => lastStep[r]);
        for (var t = 0; t <= lastNeeded; t++)
        {
            net.Encoder1.Step(x.AsSpan((from * stride) + (t * Channels)), stride, h1, gx, gh, rows);
            net.Encoder2.Step(h1, net.Encoder2.Input, h2, gx, gh, rows);
            for (var r = 0; r < rows; r++)
            {
                if (lastStep[from + r] == t)
                {
                    h2.Slice(r * net.Encoder2.Hidden, net.Encoder2.Hidden).CopyTo(summary[(r * net.Encoder2.Hidden)..]);
                }
            }
        }

        net.ToMean.Apply(summary, rows, mean.AsSpan(from * Latent));
        net.ToLogVar.Apply(summary, rows, logVar.AsSpan(from * Latent));
    }

    private void DecodeSlice(float[] z, int steps, float[] stepPart, int from, int rows, float[] output)
    {
        using var scratch = new Scratch();
        var width = net.FromLatent.Output;
        var g1 = 3 * net.Decoder1.Hidden;
        var start = scratch.Rent(rows * width);
        net.FromLatent.Apply(z.AsSpan(from * Latent), rows, start);
        var sequencePart = scratch.Rent(rows * g1);
        CpuKernels.MatMulBias(start, width, net.Decoder1LatentInputT, net.Decoder1.InputBias, sequencePart, g1, rows, g1, width);

        var d1 = scratch.Zeroed(rows * net.Decoder1.Hidden);
        var d2 = scratch.Zeroed(rows * net.Decoder2.Hidden);
        var gx1 = scratch.Rent(rows * g1);
        var gx = scratch.Rent(rows * 3 * Math.Max(net.Decoder1.Hidden, net.Decoder2.Hidden));
        var gh = scratch.Rent(gx.Length);
        var stride = steps * Channels;
        for (var t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> step = stepPart.AsSpan(t * g1, g1);
            for (var r = 0; r < rows; r++)
            {
                CpuKernels.Add(sequencePart.Slice(r * g1, g1), step, gx1.Slice(r * g1, g1));
            }

            net.Decoder1.StepFromProjection(gx1, d1, gh, rows);
            net.Decoder2.Step(d1, net.Decoder2.Input, d2, gx, gh, rows);
            CpuKernels.MatMulBias(d2, net.Decoder2.Hidden, net.ToOutput.WeightsT, net.ToOutput.Bias, output.AsSpan((from * stride) + (t * Channels)), stride, rows, Channels, net.Decoder2.Hidden);
        }
    }

    /// <summary>
    /// Per-chunk buffers from the shared array pool, given back on dispose: a scoring call runs many chunks, and
    /// fresh arrays for each made the garbage collector stop every thread every few batches.
    /// </summary>
    private sealed class Scratch : IDisposable
    {
        private readonly List<float[]> rented = [];

        /// <summary>A buffer of exactly <paramref name="length"/> floats, contents undefined.</summary>
        public Span<float> Rent(int length)
        {
            var array = System.Buffers.ArrayPool<float>.Shared.Rent(length);
            rented.Add(array);
            return array.AsSpan(0, length);
        }

        /// <summary>A buffer of exactly <paramref name="length"/> zeros.</summary>
        public Span<float> Zeroed(int length)
        {
            var span = Rent(length);
            span.Clear();
            return span;
        }

        public void Dispose()
        {
            foreach (var array in rented)
            {
                System.Buffers.ArrayPool<float>.Shared.Return(array);
            }

            rented.Clear();
        }
    }
}
