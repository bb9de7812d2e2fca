namespace VaeAnomaly.Data;

/// <summary>Per-channel z-score scaling, fitted on training data only and stored with the model.</summary>
/// <param name="Mean">Per-channel mean of the fitting data.</param>
/// <param name="Std">Per-channel population standard deviation (1 where a channel is constant).</param>
public sealed record Standardizer(double[] Mean, double[] Std)
{
    /// <summary>Fits means and standard deviations over every time step of every sequence.</summary>
    /// <param name="train">The training split; never the validation or test data.</param>
    public static Standardizer Fit(SequenceSet train)
    {
        var c = train.Channels;
        var sum = new double[c];
        var sumSq = new double[c];
        long n = 0;
        foreach (var s in train.Sequences)
        {
            for (var i = 0; i < s.Values.Length; i++)
            {
                double v = s.Values[i];
                sum[i % c] += v;
                sumSq[i % c] += v * v;
            }

            n += s.Values.Length / c;
        }

        if (n == 0)
        {
            throw new ArgumentException("Cannot fit a scaler on an empty set.", nameof(train));
        }

        var mean = new double[c];
        var std = new double[c];
        for (var j = 0; j < c; j++)
        {
            mean[j] = sum[j] / n;
            var variance = Math.Max(0, (sumSq[j] / n) - (mean[j] * mean[j]));
            std[j] = variance > 1e-24 ? Math.Sqrt(variance) : 1.0;
        }

        return new Standardizer(mean, std);
    }

    /// <summary>
    /// Fits a min-max scaler: <see cref="Mean"/> holds each channel's training minimum and <see cref="Std"/> its range
    /// (1 where a channel is constant), so <see cref="Transform"/> maps the training values onto [0, 1].
    /// </summary>
    /// <param name="train">The training sequences.</param>
    /// <exception cref="ArgumentException">The set has no values.</exception>
    public static Standardizer FitMinMax(SequenceSet train)
    {
        var c = train.Channels;
        var min = Enumerable.Repeat(double.PositiveInfinity, c).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, c).ToArray();
        foreach (var s in train.Sequences)
        {
            for (var i = 0; i < s.Values.Length; i++)
            {
                min[i % c] = Math.Min(min[i % c], s.Values[i]);
                max[i % c] = Math.Max(max[i % c], s.Values[i]);
            }
        }

        if (c == 0 || double.IsInfinity(min[0]))
        {
            throw new ArgumentException("Cannot fit a scaler on an empty set.", nameof(train));
        }

        return new Standardizer(min, [.. min.Select((lo, j) => max[j] - lo > 1e-12 ? max[j] - lo : 1.0)]);
    }

    /// <summary>Fits the scaler of <paramref name="kind"/>.</summary>
    /// <param name="train">The training sequences.</param>
    /// <param name="kind">Z-score or min-max.</param>
    public static Standardizer Fit(SequenceSet train, ScalerKind kind) => kind == ScalerKind.MinMax ? FitMinMax(train) : Fit(train);

    /// <summary>
    /// Largest magnitude of a scaled value. A value further from the training data than this many spreads is scored as
    /// if it were this far: its error stays finite (and still dominates every channel's), where it would overflow
    /// float32 and score infinity. No training value comes near it (a z-score is at most the square root of the count).
    /// </summary>
    public const double MaxScaled = 1e6;

    /// <summary><paramref name="scaled"/> limited to ±<see cref="MaxScaled"/>, as float.</summary>
    /// <param name="scaled">A scaled value.</param>
    public static float Clip(double scaled) => (float)Math.Clamp(scaled, -MaxScaled, MaxScaled);

    /// <summary>Returns a scaled copy of <paramref name="data"/>.</summary>
    /// <param name="data">Any split with the channels the scaler was fitted on.</param>
    public SequenceSet Transform(SequenceSet data)
    {
        if (data.Channels != Mean.Length)
        {
            throw new ArgumentException($"The scaler was fitted on {Mean.Length} channels; the data have {data.Channels}.", nameof(data));
        }

        var c = Mean.Length;
        return data.MapValues(values =>
        {
            var scaled = new float[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                scaled[i] = Clip((values[i] - Mean[i % c]) / Std[i % c]);
            }

            return scaled;
        });
    }
}
