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
                scaled[i] = (float)((values[i] - Mean[i % c]) / Std[i % c]);
            }

            return scaled;
        });
    }
}
