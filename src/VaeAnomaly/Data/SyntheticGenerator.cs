namespace VaeAnomaly.Data;

/// <summary>
/// Generates the synthetic-v1 benchmark exactly as <c>shared/specs/synthetic-v1.md</c> states it.
/// </summary>
/// <remarks>
/// <c>N(m, v)</c> in the spec names a variance (as in its <c>N(0, (k * 0.1)^2)</c>), so the channel
/// offsets <c>b_k ~ N(0, 0.5)</c> have standard deviation sqrt(0.5). The AR(1) noise series take the
/// value 0 at <c>t = 0</c>. All draws come from one <see cref="Random"/> seeded with
/// <see cref="SyntheticOptions.Seed"/>, in a fixed order, so a seed fixes the data.
/// </remarks>
public sealed class SyntheticGenerator(SyntheticOptions options)
{
    /// <summary>The anomaly types, in the order they are drawn.</summary>
    public static readonly IReadOnlyList<string> AnomalyTypes = ["shift", "variance", "drift"];

    private sealed record Cluster(double[] Frequencies, double[,] Mixing, double[] Offsets);

    /// <summary>Generates train, validation and test splits.</summary>
    /// <param name="ct">Observed before each sequence: Ctrl+C in the tool stops a large run.</param>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public SyntheticDataset Generate(CancellationToken ct = default)
    {
        options.Validate();
        var rng = new Random(options.Seed);
        var clusters = Enumerable.Range(0, options.Clusters).Select(_ => DrawCluster(rng)).ToArray();
        var channels = Enumerable.Range(0, options.Channels).Select(c => $"ch{c}").ToArray();

        var train = MakeSplit(rng, clusters, channels, (options.Train, options.Contamination), ct);
        var validation = MakeSplit(rng, clusters, channels, (options.Validation, 0), ct);
        var test = MakeSplit(rng, clusters, channels, (options.Test, options.AnomalyRatio), ct);
        return new SyntheticDataset(train, validation, test);
    }

    private Cluster DrawCluster(Random rng)
    {
        var f = new double[options.Factors];
        for (var j = 0; j < f.Length; j++)
        {
            f[j] = Uniform(rng, 0.5, 4.0);
        }

        var a = new double[options.Channels, options.Factors];
        for (var c = 0; c < options.Channels; c++)
        {
            for (var j = 0; j < options.Factors; j++)
            {
                a[c, j] = Normal(rng) / Math.Sqrt(options.Factors);
            }
        }

        var b = new double[options.Channels];
        for (var c = 0; c < b.Length; c++)
        {
            b[c] = Normal(rng) * Math.Sqrt(0.5);
        }

        return new Cluster(f, a, b);
    }

    private SyntheticSplit MakeSplit(Random rng, Cluster[] clusters, string[] channels, (int Count, double Ratio) split, CancellationToken ct)
    {
        var (n, ratio) = split;
        var anomalous = (int)Math.Round(ratio * n, MidpointRounding.ToEven);
        var isAnomaly = new bool[n];
        for (var i = 0; i < anomalous; i++)
        {
            isAnomaly[i] = true;
        }

        rng.Shuffle(isAnomaly);

        var sequences = new Sequence[n];
        var labels = new SequenceLabel[n];
        var injected = new InjectedAnomaly?[n];
        for (var i = 0; i < n; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (observed, clean) = DrawNormal(rng, clusters);
            if (isAnomaly[i])
            {
                var anomaly = Inject(rng, observed, clean);
                injected[i] = anomaly;
                labels[i] = new SequenceLabel(true, anomaly.Type);
            }
            else
            {
                labels[i] = new SequenceLabel(false, SequenceLabel.Normal);
            }

            sequences[i] = new Sequence(i.ToString(System.Globalization.CultureInfo.InvariantCulture), observed);
        }

        return new SyntheticSplit(new SequenceSet(channels, sequences, labels), injected);
    }

    /// <returns>Observed values and the clean signal, both row-major (time, channels).</returns>
    private (float[] Observed, double[] Clean) DrawNormal(Random rng, Cluster[] clusters)
    {
        var c = options.Channels;
        var length = rng.Next(options.MinLength, options.MaxLength + 1);
        var cluster = clusters[rng.Next(clusters.Length)];
        var freq = new double[options.Factors];
        var phase = new double[options.Factors];
        for (var j = 0; j < freq.Length; j++)
        {
            freq[j] = cluster.Frequencies[j] * Uniform(rng, 0.95, 1.05);
        }

        for (var j = 0; j < phase.Length; j++)
        {
            phase[j] = Uniform(rng, 0, 2 * Math.PI);
        }

        var amplitude = Uniform(rng, 0.8, 1.2);

        var clean = new double[length * c];
        var s = new double[options.Factors];
        for (var t = 0; t < length; t++)
        {
            for (var j = 0; j < s.Length; j++)
            {
                s[j] = Math.Sin((2 * Math.PI * freq[j] * t / 100.0) + phase[j]);
            }

            for (var ch = 0; ch < c; ch++)
            {
                var mixed = 0.0;
                for (var j = 0; j < s.Length; j++)
                {
                    mixed += cluster.Mixing[ch, j] * s[j];
                }

                clean[(t * c) + ch] = (amplitude * mixed) + cluster.Offsets[ch];
            }
        }

        // AR(1) noise, coefficient 0.5, unit innovations: one common series and one per channel.
        var common = Ar1(rng, length);
        var observed = new float[length * c];
        for (var ch = 0; ch < c; ch++)
        {
            var own = Ar1(rng, length);
            for (var t = 0; t < length; t++)
            {
                observed[(t * c) + ch] = (float)(clean[(t * c) + ch] + (0.1 * ((0.6 * common[t]) + (0.8 * own[t]))));
            }
        }

        return (observed, clean);
    }

    private static double[] Ar1(Random rng, int length)
    {
        var x = new double[length];
        for (var t = 1; t < length; t++)
        {
            x[t] = (0.5 * x[t - 1]) + Normal(rng);
        }

        return x;
    }

    private InjectedAnomaly Inject(Random rng, float[] observed, double[] clean)
    {
        var c = options.Channels;
        var length = observed.Length / c;
        var before = (float[])observed.Clone();
        var type = AnomalyTypes[rng.Next(AnomalyTypes.Count)];
        var m = rng.Next(1, (c / 2) + 1);
        var touched = Enumerable.Range(0, c).ToArray();
        rng.Shuffle(touched);
        touched = touched[..m];
        Array.Sort(touched);

        int start, end;
        switch (type)
        {
            case "shift":
                start = rng.Next((int)Math.Floor(0.2 * length), (int)Math.Floor(0.8 * length));
                end = length;
                foreach (var ch in touched)
                {
                    var delta = Sign(rng) * Uniform(rng, 1.0, 3.0) * CleanStd(clean, ch, c);
                    for (var t = start; t < length; t++)
                    {
                        observed[(t * c) + ch] += (float)delta;
                    }
                }

                break;
            case "variance":
                var width = rng.Next((int)Math.Floor(0.1 * length), (int)Math.Floor(0.3 * length) + 1);
                start = rng.Next(0, length - width);
                end = start + width;
                var k = Uniform(rng, 3.0, 6.0);
                foreach (var ch in touched)
                {
                    for (var t = start; t < end; t++)
                    {
                        observed[(t * c) + ch] += (float)(Normal(rng) * k * 0.1);
                    }
                }

                break;
            default: // drift
                start = rng.Next((int)Math.Floor(0.1 * length), (int)Math.Floor(0.5 * length));
                end = length;
                foreach (var ch in touched)
                {
                    var top = Sign(rng) * Uniform(rng, 1.0, 3.0) * CleanStd(clean, ch, c);
                    for (var t = start; t < length; t++)
                    {
                        observed[(t * c) + ch] += (float)(top * (t - start) / (length - 1 - start));
                    }
                }

                break;
        }

        return new InjectedAnomaly(type, touched, start, end, before);
    }

    private static double CleanStd(double[] clean, int channel, int channels)
    {
        var length = clean.Length / channels;
        double sum = 0, sumSq = 0;
        for (var t = 0; t < length; t++)
        {
            var v = clean[(t * channels) + channel];
            sum += v;
            sumSq += v * v;
        }

        var mean = sum / length;
        return Math.Sqrt(Math.Max(0, (sumSq / length) - (mean * mean)));
    }

    private static double Uniform(Random rng, double low, double high) => low + ((high - low) * rng.NextDouble());

    private static double Sign(Random rng) => rng.Next(2) == 0 ? -1.0 : 1.0;

    /// <summary>Standard normal draw by the Box-Muller transform (one value per pair of uniforms).</summary>
    private static double Normal(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble(); // (0, 1]: log is finite
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
