using TorchSharp.Modules;
using VaeAnomaly.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>
/// The beta-ELBO of a batch and its gradient with respect to every weight of a <see cref="GruVae"/>,
/// computed in C# by backpropagation through time with the kernels of <see cref="FusedGruVae"/>: the same
/// objective as <see cref="VaeLoss.Compute"/> on the training-mode forward pass (z drawn from the model's
/// own sampler, so the draws are the ones <see cref="GruVae.forward"/> would make), without libtorch's
/// per-operation autograd graph. The gradients are written into the parameters' <c>grad</c>, so clipping and
/// the optimiser step stay libtorch's. The batch is cut into chunks of 32 sequences spread over the threads; the chunks'
/// gradients are summed in a fixed order, so the result does not depend on timing.
/// </summary>
internal sealed class FusedBackprop
{
    // Workspaces kept between calls, one per thread at work: a training run repeats the same shapes, and fresh
    // arrays of megabytes per step cost more in page faults and collections than the arithmetic.
    private readonly System.Collections.Concurrent.ConcurrentBag<Workspace> workspaces = [];
    private readonly int workers;

    /// <summary>A backpropagation engine whose workspaces persist between calls.</summary>
    /// <param name="workers">Threads for the kernels; 0 takes libtorch's thread count now, before a caller lowers it with <see cref="LibtorchThreads"/>.</param>
    public FusedBackprop(int workers = 0) => this.workers = workers > 0 ? workers : get_num_threads();

    /// <summary>Loss parts of the batch, and the gradient of the total in every parameter's <c>grad</c> (replaced, not accumulated).</summary>
    /// <param name="model">The model; its sampler advances by one draw of (batch, latent) noise.</param>
    /// <param name="x">(batch, time, channels), zero-padded, float32.</param>
    /// <param name="lastStep">(batch) int64 index of each sequence's last real step.</param>
    /// <param name="beta">KL weight.</param>
    /// <param name="workers">Threads; 0 uses the count given to the constructor.</param>
    /// <returns>Batch means of the objective, of the masked squared-error sum and of the KL divergence.</returns>
    public (double Total, double Reconstruction, double Kl) LossAndGradients(GruVae model, Tensor x, Tensor lastStep, double beta, int workers = 0)
    {
        var (batch, steps, channels) = ((int)x.shape[0], (int)x.shape[1], (int)x.shape[2]);
        var values = x.contiguous().data<float>().ToArray();
        var last = lastStep.data<long>().Select(t => (int)t).ToArray();
        var net = GruVaeWeights.Of(model);
        if (channels != net.Encoder1.Input)
        {
            throw new ArgumentException($"Expected {net.Encoder1.Input} channels, got {channels}.", nameof(x));
        }

        float[] noise;
        using (var eps = model.DrawNoise(batch, net.Latent))
        {
            noise = eps.data<float>().ToArray();
        }

        workers = workers > 0 ? workers : this.workers;
        var parts = new SliceResult[RowChunks.Count(batch)];
        var context = new BatchContext(values, last, noise, steps, batch, (float)beta, net);
        RowChunks.Run(batch, workers, (k, from, rows) =>
        {
            var ws = workspaces.TryTake(out var free) ? free : new Workspace();
            parts[k] = RunSlice(context, from, rows, ws);
            workspaces.Add(ws);
        });

        var total = parts[0];
        foreach (var part in parts.Skip(1))
        {
            total.AddFrom(part);
        }

        total.WriteInto(model);
        var reconstruction = total.SquaredError / batch;
        var kl = total.Kl / batch;
        return (reconstruction + (beta * kl), reconstruction, kl);
    }

    private static SliceResult RunSlice(BatchContext c, int from, int rows, Workspace ws)
    {
        var net = c.Net;
        var (e1, e2, d1, d2) = (net.Encoder1, net.Encoder2, net.Decoder1, net.Decoder2);
        var steps = c.Steps;
        var channels = e1.Input;
        var latent = net.Latent;
        var result = SliceResult.Empty(net);

        // Encoder forward, both layers step by step, recording what the backward pass needs.
        var encodeSteps = Enumerable.Range(from, rows).Max(r => c.Last[r]) + 1;
        var tape1 = new Tape(encodeSteps, rows, e1, ws, "e1");
        var tape2 = new Tape(encodeSteps, rows, e2, ws, "e2");
        var (h1, h2) = (new float[rows * e1.Hidden], new float[rows * e2.Hidden]);
        var summary = new float[rows * e2.Hidden];
        var stride = steps * channels;
        for (var t = 0; t < encodeSteps; t++)
        {
            for (var r = 0; r < rows; r++)
            {
                c.X.AsSpan(((from + r) * stride) + (t * channels), channels).CopyTo(tape1.Input(t).Slice(r * channels));
            }

            tape1.Forward(t, h1);
            h1.CopyTo(tape2.Input(t));
            tape2.Forward(t, h2);
            for (var r = 0; r < rows; r++)
            {
                if (c.Last[from + r] == t)
                {
                    h2.AsSpan(r * e2.Hidden, e2.Hidden).CopyTo(summary.AsSpan(r * e2.Hidden));
                }
            }
        }

        // Posterior, KL and the reparameterised draw.
        var mean = new float[rows * latent];
        var logVar = new float[rows * latent];
        net.ToMean.Apply(summary, rows, mean);
        net.ToLogVar.Apply(summary, rows, logVar);
        var z = new float[rows * latent];
        var sigma = new float[rows * latent];
        for (var i = 0; i < z.Length; i++)
        {
            sigma[i] = MathF.Exp(0.5f * logVar[i]);
            z[i] = mean[i] + (c.Noise[(from * latent) + i] * sigma[i]);
            result.Kl += 0.5 * ((mean[i] * mean[i]) + (sigma[i] * sigma[i]) - 1 - logVar[i]);
        }

        // Decoder forward: the first layer's input projection is per-sequence plus per-step.
        var width = net.FromLatent.Output;
        var g1 = 3 * d1.Hidden;
        var start = new float[rows * width];
        net.FromLatent.Apply(z, rows, start);
        var sequencePart = new float[rows * g1];
        CpuKernels.MatMulBias(start, width, net.Decoder1LatentInputT, d1.InputBias, sequencePart, g1, rows, g1, width);
        var stepPart = net.StepProjection(steps);
        var tape3 = new Tape(steps, rows, d1, ws, "d1", projectedInput: true);
        var tape4 = new Tape(steps, rows, d2, ws, "d2");
        var (s1, s2) = (new float[rows * d1.Hidden], new float[rows * d2.Hidden]);
        var dOut = ws.Get("dOut", steps * rows * channels, clear: true); // dL/d output, step-major; zero at padded steps
        var outputs = new float[rows * channels];
        var scale = 2f / c.Batch;
        for (var t = 0; t < steps; t++)
        {
            var gx = tape3.Projection(t);
            for (var r = 0; r < rows; r++)
            {
                CpuKernels.Add(sequencePart.AsSpan(r * g1, g1), stepPart.AsSpan(t * g1, g1), gx.Slice(r * g1, g1));
            }

            tape3.Forward(t, s1);
            s1.CopyTo(tape4.Input(t));
            tape4.Forward(t, s2);
            net.ToOutput.Apply(s2, rows, outputs);
            for (var r = 0; r < rows; r++)
            {
                if (t > c.Last[from + r])
                {
                    continue; // padded step: no loss, no gradient
                }

                for (var ch = 0; ch < channels; ch++)
                {
                    var diff = outputs[(r * channels) + ch] - c.X[((from + r) * stride) + (t * channels) + ch];
                    result.SquaredError += diff * diff;
                    dOut[(((t * rows) + r) * channels) + ch] = scale * diff;
                }
            }
        }

        // Decoder backward through time, output layer first.
        var decoderStates = tape4.Outputs();
        result.ToOutput.Accumulate(decoderStates, dOut, steps * rows);
        var dS2 = new float[rows * d2.Hidden];
        var dS1 = new float[rows * d1.Hidden];
        var dSequencePart = new float[rows * g1];
        var stepSums = ws.Get("stepSums", steps * g1, clear: true);
        for (var t = steps - 1; t >= 0; t--)
        {
            // dL/ds2_t = output layer's part + what flows back from step t + 1 (already in dS2).
            CpuKernels.MatMulBias(dOut.AsSpan(t * rows * channels), channels, net.ToOutput.Weights, [], dS2, d2.Hidden, rows, d2.Hidden, channels, accumulate: true);
            tape4.Backward(t, dS2, dS1);
            tape3.Backward(t, dS1, null);
            var dgx = tape3.InputGradient(t);
            CpuKernels.AddColumnSums(dgx, rows, g1, stepSums.AsSpan(t * g1, g1));
            CpuKernels.Add(dSequencePart, dgx[..(rows * g1)], dSequencePart);
        }

        tape4.AccumulateWeights(result.Decoder2);
        tape3.AccumulateWeights(result.Decoder1);
        // The first decoder layer's input weight: rows of the latent part, then rows of the time features.
        var dLatentInputT = new float[width * g1];
        Gemm.AtB(start, dSequencePart, rows, width, g1, dLatentInputT);
        CpuKernels.Add(result.Decoder1.InputWeightsT.AsSpan(0, width * g1), dLatentInputT, result.Decoder1.InputWeightsT.AsSpan(0, width * g1));
        CpuKernels.AddColumnSums(dSequencePart, rows, g1, result.Decoder1.InputBias);
        if (net.TimeFeatures > 0)
        {
            var features = net.TimeFeatureValues(steps);
            var dFeatureT = new float[2 * net.TimeFeatures * g1];
            Gemm.AtB(features, stepSums, steps, 2 * net.TimeFeatures, g1, dFeatureT);
            var tail = result.Decoder1.InputWeightsT.AsSpan(width * g1);
            CpuKernels.Add(tail, dFeatureT, tail);
        }

        // fromLatent, then the reparameterisation and the KL term.
        var dStart = new float[rows * width];
        CpuKernels.MatMulBias(dSequencePart, g1, net.Decoder1LatentInput, [], dStart, width, rows, width, g1);
        result.FromLatent.Accumulate(z, dStart, rows);
        var dz = new float[rows * latent];
        CpuKernels.MatMulBias(dStart, width, net.FromLatent.Weights, [], dz, latent, rows, latent, width);
        var klScale = c.Beta / c.Batch;
        var dMean = new float[rows * latent];
        var dLogVar = new float[rows * latent];
        for (var i = 0; i < dz.Length; i++)
        {
            dMean[i] = dz[i] + (klScale * mean[i]);
            dLogVar[i] = (dz[i] * c.Noise[(from * latent) + i] * 0.5f * sigma[i]) + (klScale * 0.5f * ((sigma[i] * sigma[i]) - 1));
        }

        result.ToMean.Accumulate(summary, dMean, rows);
        result.ToLogVar.Accumulate(summary, dLogVar, rows);
        var dSummary = new float[rows * e2.Hidden];
        CpuKernels.MatMulBias(dMean, latent, net.ToMean.Weights, [], dSummary, e2.Hidden, rows, e2.Hidden, latent);
        CpuKernels.MatMulBias(dLogVar, latent, net.ToLogVar.Weights, [], dSummary, e2.Hidden, rows, e2.Hidden, latent, accumulate: true);

        // Encoder backward: the summary's gradient enters at each sequence's last step.
        var dH2 = new float[rows * e2.Hidden];
        var dH1 = new float[rows * e1.Hidden];
        for (var t = encodeSteps - 1; t >= 0; t--)
        {
            for (var r = 0; r < rows; r++)
            {
                if (c.Last[from + r] == t)
                {
                    CpuKernels.Add(dH2.AsSpan(r * e2.Hidden, e2.Hidden), dSummary.AsSpan(r * e2.Hidden, e2.Hidden), dH2.AsSpan(r * e2.Hidden, e2.Hidden));
                }
            }

            tape2.Backward(t, dH2, dH1);
            tape1.Backward(t, dH1, null);
        }

        tape2.AccumulateWeights(result.Encoder2);
        tape1.AccumulateWeights(result.Encoder1);
        return result;
    }

    private sealed record BatchContext(float[] X, int[] Last, float[] Noise, int Steps, int Batch, float Beta, GruVaeWeights Net);

    /// <summary>Arrays reused from one call to the next, by name; a request for more than an array holds replaces it.</summary>
    private sealed class Workspace
    {
        private readonly Dictionary<string, float[]> arrays = new(StringComparer.Ordinal);

        /// <summary>An array of at least <paramref name="length"/> floats, its first <paramref name="length"/> zeroed when <paramref name="clear"/> (otherwise as last left).</summary>
        public float[] Get(string name, int length, bool clear)
        {
            if (!arrays.TryGetValue(name, out var array) || array.Length < length)
            {
                array = new float[length];
                arrays[name] = array;
            }
            else if (clear)
            {
                Array.Clear(array, 0, length);
            }

            return array;
        }
    }

    /// <summary>C = A^T B for A (rows, m) and B (rows, n), both dense: C (m, n), overwritten.</summary>
    private static class Gemm
    {
        public static void AtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows, int m, int n, Span<float> c) =>
            CpuKernels.MatMulTransposedA(a, m, b, c, n, m, n, rows);
    }

    /// <summary>One GRU layer's record over a slice: inputs, previous states, gates and state projections per step, then their gradients.</summary>
    /// <remarks>Every array is written before it is read, so reused ones need no clearing.</remarks>
    private sealed class Tape(int steps, int rows, GruWeights layer, Workspace ws, string name, bool projectedInput = false)
    {
        private readonly int g = 3 * layer.Hidden;
        private readonly float[] inputs = projectedInput ? [] : ws.Get(name + ".inputs", steps * rows * layer.Input, clear: false);
        private readonly float[] projections = ws.Get(name + ".gx", steps * rows * 3 * layer.Hidden, clear: false); // gx, then dgx
        private readonly float[] previous = ws.Get(name + ".h", (steps + 1) * rows * layer.Hidden, clear: false); // state before step t at t; the last output at steps
        private readonly float[] gates = ws.Get(name + ".gates", steps * rows * 3 * layer.Hidden, clear: false);
        private readonly float[] stateProjections = ws.Get(name + ".gh", steps * rows * 3 * layer.Hidden, clear: false); // gh, then dgh
        private readonly float[] dPrevious = ws.Get(name + ".dPrevious", rows * layer.Hidden, clear: false);
        private readonly float[] dgh = ws.Get(name + ".dgh", rows * 3 * layer.Hidden, clear: false);

        public Span<float> Input(int t) => inputs.AsSpan(t * rows * layer.Input, rows * layer.Input);

        public Span<float> Projection(int t) => projections.AsSpan(t * rows * g, rows * g);

        public ReadOnlySpan<float> InputGradient(int t) => projections.AsSpan(t * rows * g, rows * g);

        /// <summary>Step t from state <paramref name="h"/> (updated in place); the input is in <see cref="Input"/>(t), or its projection in <see cref="Projection"/>(t).</summary>
        public void Forward(int t, Span<float> h)
        {
            h.CopyTo(previous.AsSpan(t * rows * layer.Hidden));
            var gx = Projection(t);
            if (!projectedInput)
            {
                CpuKernels.MatMulBias(Input(t), layer.Input, layer.InputWeightsT, layer.InputBias, gx, g, rows, g, layer.Input);
            }

            var gh = stateProjections.AsSpan(t * rows * g, rows * g);
            CpuKernels.MatMulBias(h, layer.Hidden, layer.HiddenWeightsT, layer.HiddenBias, gh, g, rows, g, layer.Hidden);
            CpuKernels.GruGates(gx, g, gh, h, rows, layer.Hidden, gates.AsSpan(t * rows * g, rows * g));
            h.CopyTo(previous.AsSpan((t + 1) * rows * layer.Hidden));
        }

        /// <summary>The layer's outputs (steps * rows, H), step-major.</summary>
        public ReadOnlySpan<float> Outputs() => previous.AsSpan(rows * layer.Hidden, steps * rows * layer.Hidden);

        /// <summary>
        /// Backward of step t: <paramref name="dh"/> holds dL/dh_t on entry and dL/dh_{t-1} on return (the
        /// caller adds other paths into it before the next call); dL/d input_t is added to <paramref name="dInput"/>.
        /// </summary>
        public void Backward(int t, float[] dh, float[]? dInput)
        {
            var dgx = projections.AsSpan(t * rows * g, rows * g);
            var ghAndDgh = stateProjections.AsSpan(t * rows * g, rows * g);
            CpuKernels.GruGatesBackward(dh, previous.AsSpan(t * rows * layer.Hidden, rows * layer.Hidden), gates.AsSpan(t * rows * g, rows * g), ghAndDgh, dgx, dgh, dPrevious, rows, layer.Hidden);
            dgh.AsSpan(0, rows * g).CopyTo(ghAndDgh);
            dPrevious.AsSpan(0, rows * layer.Hidden).CopyTo(dh);
            CpuKernels.MatMulBias(dgh, g, layer.HiddenWeights, [], dh, layer.Hidden, rows, layer.Hidden, g, accumulate: true);
            if (dInput is not null)
            {
                CpuKernels.MatMulBias(dgx, g, layer.InputWeights, [], dInput, layer.Input, rows, layer.Input, g, accumulate: true);
            }
        }

        /// <summary>Adds the weight gradients over every recorded step into <paramref name="into"/> (after <see cref="Backward"/> of every step).</summary>
        public void AccumulateWeights(GruGradient into)
        {
            var n = steps * rows;
            var scratch = new float[Math.Max(layer.Input, layer.Hidden) * g];
            if (!projectedInput)
            {
                Gemm.AtB(inputs, projections, n, layer.Input, g, scratch);
                CpuKernels.Add(into.InputWeightsT, scratch.AsSpan(0, layer.Input * g), into.InputWeightsT);
                CpuKernels.AddColumnSums(projections, n, g, into.InputBias);
            }

            Gemm.AtB(previous.AsSpan(0, n * layer.Hidden), stateProjections, n, layer.Hidden, g, scratch);
            CpuKernels.Add(into.HiddenWeightsT, scratch.AsSpan(0, layer.Hidden * g), into.HiddenWeightsT);
            CpuKernels.AddColumnSums(stateProjections, n, g, into.HiddenBias);
        }
    }

    private sealed record GruGradient(float[] InputWeightsT, float[] InputBias, float[] HiddenWeightsT, float[] HiddenBias)
    {
        public static GruGradient For(GruWeights layer) => new(new float[layer.Input * 3 * layer.Hidden], new float[3 * layer.Hidden], new float[layer.Hidden * 3 * layer.Hidden], new float[3 * layer.Hidden]);

        public void AddFrom(GruGradient other)
        {
            CpuKernels.Add(InputWeightsT, other.InputWeightsT, InputWeightsT);
            CpuKernels.Add(InputBias, other.InputBias, InputBias);
            CpuKernels.Add(HiddenWeightsT, other.HiddenWeightsT, HiddenWeightsT);
            CpuKernels.Add(HiddenBias, other.HiddenBias, HiddenBias);
        }

        public void WriteInto(GRU gru, GruWeights layer)
        {
            var p = gru.named_parameters().ToDictionary(n => n.name, n => n.parameter);
            SetGrad(p["weight_ih_l0"], InputWeightsT, layer.Input, 3 * layer.Hidden);
            SetGrad(p["bias_ih_l0"], InputBias);
            SetGrad(p["weight_hh_l0"], HiddenWeightsT, layer.Hidden, 3 * layer.Hidden);
            SetGrad(p["bias_hh_l0"], HiddenBias);
        }
    }

    private sealed record DenseGradient(float[] WeightsT, float[] Bias, int Input, int Output)
    {
        public static DenseGradient For(DenseWeights layer) => new(new float[layer.Input * layer.Output], new float[layer.Output], layer.Input, layer.Output);

        /// <summary>W^T += input^T dOutput, b += column sums of dOutput, over <paramref name="rows"/> rows.</summary>
        public void Accumulate(ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, int rows)
        {
            var scratch = new float[Input * Output];
            Gemm.AtB(input, dOutput, rows, Input, Output, scratch);
            CpuKernels.Add(WeightsT, scratch, WeightsT);
            CpuKernels.AddColumnSums(dOutput, rows, Output, Bias);
        }

        public void AddFrom(DenseGradient other)
        {
            CpuKernels.Add(WeightsT, other.WeightsT, WeightsT);
            CpuKernels.Add(Bias, other.Bias, Bias);
        }

        public void WriteInto(Linear linear)
        {
            SetGrad(linear.weight!, WeightsT, Input, Output);
            SetGrad(linear.bias!, Bias);
        }
    }

    private sealed class SliceResult
    {
        public required GruGradient Encoder1 { get; init; }

        public required GruGradient Encoder2 { get; init; }

        public required GruGradient Decoder1 { get; init; }

        public required GruGradient Decoder2 { get; init; }

        public required DenseGradient ToMean { get; init; }

        public required DenseGradient ToLogVar { get; init; }

        public required DenseGradient FromLatent { get; init; }

        public required DenseGradient ToOutput { get; init; }

        public required GruVaeWeights Net { get; init; }

        public double SquaredError { get; set; }

        public double Kl { get; set; }

        public static SliceResult Empty(GruVaeWeights net) => new()
        {
            Encoder1 = GruGradient.For(net.Encoder1),
            Encoder2 = GruGradient.For(net.Encoder2),
            Decoder1 = GruGradient.For(net.Decoder1),
            Decoder2 = GruGradient.For(net.Decoder2),
            ToMean = DenseGradient.For(net.ToMean),
            ToLogVar = DenseGradient.For(net.ToLogVar),
            FromLatent = DenseGradient.For(net.FromLatent),
            ToOutput = DenseGradient.For(net.ToOutput),
            Net = net,
        };

        public void AddFrom(SliceResult other)
        {
            Encoder1.AddFrom(other.Encoder1);
            Encoder2.AddFrom(other.Encoder2);
            Decoder1.AddFrom(other.Decoder1);
            Decoder2.AddFrom(other.Decoder2);
            ToMean.AddFrom(other.ToMean);
            ToLogVar.AddFrom(other.ToLogVar);
            FromLatent.AddFrom(other.FromLatent);
            ToOutput.AddFrom(other.ToOutput);
            SquaredError += other.SquaredError;
            Kl += other.Kl;
        }

        public void WriteInto(GruVae model)
        {
            var l = model.Layers;
            Encoder1.WriteInto(l.Encoder1, Net.Encoder1);
            Encoder2.WriteInto(l.Encoder2, Net.Encoder2);
            Decoder1.WriteInto(l.Decoder1, Net.Decoder1);
            Decoder2.WriteInto(l.Decoder2, Net.Decoder2);
            ToMean.WriteInto(l.ToMean);
            ToLogVar.WriteInto(l.ToLogVar);
            FromLatent.WriteInto(l.FromLatent);
            ToOutput.WriteInto(l.ToOutput);
        }
    }

    /// <summary>Sets a parameter's gradient from a transposed (rows = input, cols = output) array, or a vector.</summary>
    private static void SetGrad(Parameter parameter, float[] values, int rows = 0, int cols = 0)
    {
        Tensor gradient;
        if (rows == 0)
        {
            gradient = tensor(values);
        }
        else
        {
            using var transposed = tensor(values, [rows, cols]);
            gradient = transposed.t().contiguous();
        }

        var old = parameter.grad;
        parameter.grad = gradient.DetachFromDisposeScope();
        old?.Dispose();
    }
}
