using System.Diagnostics;
using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Training;
using static TorchSharp.torch;

namespace VaeAnomaly.Performance;

/// <summary>Which implementation a throughput figure measures.</summary>
public enum ComputePath
{
    /// <summary>The straightforward TorchSharp model: one forward (and backward) call per batch on the calling thread.</summary>
    Baseline,

    /// <summary><see cref="FusedGruVae"/> for scoring, <see cref="FusedBackprop"/> for training.</summary>
    Optimised,
}

/// <summary>
/// Throughput measurements of the GRU-VAE's training step (forward, backward, Adam) and scoring pass
/// (posterior-mean forward without autograd), and libtorch's matrix-multiply rate, for the <c>bench</c>
/// command and the benchmarks project. Each figure is the median of timed repeats after a warm-up.
/// </summary>
public static class ThroughputProbe
{
    /// <summary>GFLOP/s of a 1024^3 float32 matrix product (median of <paramref name="repeats"/> measurements of 10 products).</summary>
    /// <param name="repeats">Timed repeats.</param>
    public static double SgemmGflops(int repeats)
    {
        using var scope = NewDisposeScope();
        var a = randn(1024, 1024);
        var b = randn(1024, 1024);
        a.matmul(b).Dispose();
        const int n = 10;
        return MedianRate(repeats, n * 2.0 * 1024 * 1024 * 1024 / 1e9, () =>
        {
            for (var i = 0; i < n; i++)
            {
                a.matmul(b).Dispose();
            }
        });
    }

    /// <summary>Random sequences in [-1, 1] with the given lengths.</summary>
    /// <param name="lengths">One length per sequence.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="seed">Seed.</param>
    public static SequenceSet RandomSet(IReadOnlyList<int> lengths, int channels, int seed)
    {
        var rng = new Random(seed);
        var sequences = lengths.Select((length, i) => new Sequence($"{i}", [.. Enumerable.Range(0, length * channels).Select(_ => (float)((rng.NextDouble() * 2) - 1))]));
        return new SequenceSet([.. Enumerable.Range(0, channels).Select(c => $"c{c}")], [.. sequences]);
    }

    /// <summary>Training sequences per second at one batch size and length.</summary>
    /// <param name="options">Model options (channels included).</param>
    /// <param name="batch">Sequences per step.</param>
    /// <param name="length">Steps per sequence.</param>
    /// <param name="path">Baseline or optimised.</param>
    /// <param name="repeats">Timed repeats.</param>
    /// <param name="sequencesPerRepeat">Roughly how many sequences each timed repeat trains on.</param>
    public static double TrainSequencesPerSecond(GruVaeOptions options, int batch, int length, ComputePath path, int repeats, int sequencesPerRepeat = 1024)
    {
        var set = RandomSet(Enumerable.Repeat(length, batch).ToArray(), options.Channels, 2);
        using var x = PaddedBatch.Create(set, [.. Enumerable.Range(0, batch)]);
        var steps = Math.Max(2, sequencesPerRepeat / batch);
        using var model = Seeding.Build(1, () => new GruVae(options));
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var fused = new FusedBackprop();
        void Step()
        {
            using var scope = NewDisposeScope();
            model.train();
            optimizer.zero_grad();
            using var libtorchThreads = path == ComputePath.Optimised ? LibtorchThreads.One() : null; // as the trainer does
            if (path == ComputePath.Optimised)
            {
                fused.LossAndGradients(model, x.X, x.LastStep, options.Beta);
            }
            else
            {
                var (loss, _, _) = VaeLoss.Compute(model.call(x.X, x.LastStep), x.X, x.Mask, options.Beta);
                loss.backward();
            }

            nn.utils.clip_grad_norm_(model.parameters(), 5.0);
            optimizer.step();
        }

        Step();
        Step();
        return MedianRate(repeats, steps * batch, () =>
        {
            for (var i = 0; i < steps; i++)
            {
                Step();
            }
        });
    }

    /// <summary>Scoring sequences per second (posterior-mean reconstruction and its error) at one batch size and length.</summary>
    /// <param name="options">Model options (channels included).</param>
    /// <param name="batch">Sequences per batch.</param>
    /// <param name="length">Steps per sequence.</param>
    /// <param name="path">Baseline or optimised.</param>
    /// <param name="repeats">Timed repeats.</param>
    /// <param name="sequencesPerRepeat">Roughly how many sequences each timed repeat scores.</param>
    public static double ScoreSequencesPerSecond(GruVaeOptions options, int batch, int length, ComputePath path, int repeats, int sequencesPerRepeat = 4096)
    {
        var set = RandomSet(Enumerable.Repeat(length, batch).ToArray(), options.Channels, 3);
        using var x = PaddedBatch.Create(set, [.. Enumerable.Range(0, batch)]);
        var steps = Math.Max(2, sequencesPerRepeat / batch);
        using var model = Seeding.Build(1, () => new GruVae(options));
        model.eval();
        // As the scorer does: the weights are copied once per scoring call and the instance's buffers reused.
        var fused = path == ComputePath.Optimised ? FusedGruVae.From(model) : null;
        void Forward()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            if (fused is not null)
            {
                using var libtorchThreads = LibtorchThreads.One(); // as the scorer does
                var output = fused.Forward(x.X, x.LastStep);
                VaeLoss.SquaredErrorSum(output.Reconstruction, x.X, x.Mask).data<float>().ToArray();
            }
            else
            {
                var (mean, _) = model.Encode(x.X, x.LastStep);
                VaeLoss.SquaredErrorSum(model.Decode(mean, x.X.shape[1]), x.X, x.Mask).data<float>().ToArray();
            }
        }

        Forward();
        Forward();
        return MedianRate(repeats, steps * batch, () =>
        {
            for (var i = 0; i < steps; i++)
            {
                Forward();
            }
        });
    }

    /// <summary>Real time steps per second when scoring <paramref name="set"/> through the GRU-VAE's scorer (length-bucketed batches).</summary>
    /// <param name="options">Model options; the model is built with seed 1.</param>
    /// <param name="set">Sequences, fixed or variable length.</param>
    /// <param name="batch">Sequences per batch.</param>
    /// <param name="repeats">Timed repeats.</param>
    public static double ScoreStepsPerSecond(GruVaeOptions options, SequenceSet set, int batch, int repeats)
    {
        using var model = Seeding.Build(1, () => new GruVae(options));
        Scoring.GruVaeScorer.Score(model, set, batchSize: batch);
        return MedianRate(repeats, set.TotalSteps, () => Scoring.GruVaeScorer.Score(model, set, batchSize: batch));
    }

    /// <summary>Real time steps per second of one training epoch over <paramref name="set"/> (length-bucketed batches).</summary>
    /// <param name="options">Model options.</param>
    /// <param name="set">Sequences, fixed or variable length.</param>
    /// <param name="batch">Sequences per batch.</param>
    /// <param name="repeats">Timed repeats.</param>
    public static double TrainStepsPerSecond(GruVaeOptions options, SequenceSet set, int batch, int repeats)
    {
        using var model = Seeding.Build(1, () => new GruVae(options));
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var batches = LengthBatcher.Batches(set, batch).ToArray();
        void Epoch()
        {
            model.train();
            foreach (var indices in batches)
            {
                using var scope = NewDisposeScope();
                var x = PaddedBatch.Create(set, indices);
                optimizer.zero_grad();
                var (loss, _, _) = VaeLoss.Compute(model.call(x.X, x.LastStep), x.X, x.Mask, options.Beta);
                loss.backward();
                optimizer.step();
            }
        }

        Epoch();
        return MedianRate(repeats, set.TotalSteps, Epoch);
    }

    /// <summary>The median of some measurements.</summary>
    /// <param name="values">At least one value.</param>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length > 0 ? sorted[sorted.Length / 2] : throw new ArgumentException("No measurements.", nameof(values));
    }

    /// <summary>Median over <paramref name="repeats"/> timed runs of <paramref name="work"/> of <paramref name="units"/> per second.</summary>
    internal static double MedianRate(int repeats, double units, Action work) =>
        Median(Enumerable.Range(0, Math.Max(1, repeats)).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            work();
            return units / clock.Elapsed.TotalSeconds;
        }).ToArray());
}
