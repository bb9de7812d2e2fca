namespace VaeAnomaly.Data;

/// <summary>
/// A window length read from a series' own rhythm, without labels: the lag of the highest local maximum of its
/// autocorrelation (averaged over the chosen columns) after it first falls to 0, close to the way TSB-UAD and TSB-AD size
/// their windows. A series with no rhythm (an autocorrelation that never falls to 0, no local maximum in the searched lags,
/// or no column that varies) has none.
/// </summary>
public static class DominantPeriod
{
    /// <summary>Shortest lag searched: below it a window sees too little of a shape.</summary>
    public const int MinLag = 8;

    /// <summary>Longest lag searched.</summary>
    public const int MaxLag = 256;

    /// <summary>The window of a series with no period: the models' usual 32 rows.</summary>
    public const int Fallback = 32;

    /// <summary>Most rows read: the autocorrelation of a longer series costs more without changing its period.</summary>
    public const int MaxRows = 20_000;

    /// <summary>
    /// The dominant period of <paramref name="columns"/> of <paramref name="series"/>: the lag in <see cref="MinLag"/> to
    /// K - 1, K = min(<see cref="MaxLag"/> + 1, rows / 3), and not before the mean autocorrelation first falls to 0, that is
    /// a strict local maximum of it with the highest value; null when there is none.
    /// </summary>
    /// <param name="series">The rows to read (its first <see cref="MaxRows"/>).</param>
    /// <param name="columns">Column indices; columns that never vary are left out.</param>
    public static int? Of(Series series, IReadOnlyList<int> columns) => Of(series.Values, series.ChannelNames.Count, columns, MaxLag, MaxRows);

    /// <summary>
    /// As <see cref="Of(Series, IReadOnlyList{int})"/>, over rows of <paramref name="values"/> and lags up to
    /// <paramref name="maxLag"/>: the rhythm of a model that compares each row with the same point of earlier periods.
    /// </summary>
    /// <param name="values">Rows, row-major (row, channel).</param>
    /// <param name="channels">Values per row.</param>
    /// <param name="columns">Column indices; columns that never vary are left out.</param>
    /// <param name="maxLag">Longest lag searched (and never beyond a third of the rows read).</param>
    /// <param name="maxRows">Most rows read, the first ones.</param>
    /// <param name="minimum">The smallest mean autocorrelation a peak may have (a peak of white noise's is not a rhythm); none by default.</param>
    public static int? Of(float[] values, int channels, IReadOnlyList<int> columns, int maxLag, int maxRows, double minimum = double.NegativeInfinity)
    {
        var rows = Math.Min(values.Length / channels, maxRows);
        var lags = Math.Min(maxLag + 1, rows / 3);
        if (lags <= MinLag)
        {
            return null;
        }

        var mean = new double[lags + 1];
        var used = 0;
        var x = new double[rows];
        foreach (var c in columns)
        {
            for (var t = 0; t < rows; t++)
            {
                x[t] = values[(t * channels) + c];
            }

            var average = x.Average();
            var variance = x.Sum(v => (v - average) * (v - average));
            if (variance <= 0)
            {
                continue;
            }

            for (var k = 0; k <= lags; k++)
            {
                double sum = 0;
                for (var t = 0; t + k < rows; t++)
                {
                    sum += (x[t] - average) * (x[t + k] - average);
                }

                mean[k] += sum / variance;
            }

            used++;
        }

        if (used == 0)
        {
            return null;
        }

        // Peaks count only once the autocorrelation has fallen to 0: before that, small fast wiggles on a slow rhythm
        // make local maxima at short lags where it is still high. One that never falls has no period.
        var zero = Enumerable.Range(1, lags).FirstOrDefault(k => mean[k] <= 0);
        if (zero == 0)
        {
            return null;
        }

        int? best = null;
        for (var k = Math.Max(MinLag, zero); k < lags; k++)
        {
            if (mean[k] > mean[k - 1] && mean[k] > mean[k + 1] && mean[k] / used > minimum && (best is null || mean[k] > mean[best.Value]))
            {
                best = k;
            }
        }

        return best;
    }
}
