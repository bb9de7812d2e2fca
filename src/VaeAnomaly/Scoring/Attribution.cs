namespace VaeAnomaly.Scoring;

/// <summary>Why a sequence scored high: each channel's share of its reconstruction error and the span where the error peaks.</summary>
/// <param name="ChannelShares">Channel name to share of the squared error (shares sum to 1), largest first; only the watched channels when the scores watch some (<see cref="SequenceScores.Watched"/>).</param>
/// <param name="SpanStart">First step of the worst span.</param>
/// <param name="SpanEnd">One past the last step of the worst span.</param>
public sealed record Attribution(IReadOnlyList<KeyValuePair<string, double>> ChannelShares, int SpanStart, int SpanEnd)
{
    /// <summary>A share below this rounds to 0 at four decimals: the outputs that list a row's columns leave it out.</summary>
    public const double Negligible = 0.00005;

    /// <summary>
    /// The largest shares as the tables print them, e.g. <c>temp 93 %, pressure 7 %</c>; a share that would print as 0 % is
    /// left out.
    /// </summary>
    /// <param name="count">How many channels at most.</param>
    public string Strongest(int count = 3) =>
        string.Join(", ", ChannelShares.Where(s => s.Value >= 0.005).Take(count).Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Key} {s.Value:P0}")));

    /// <summary>Attributes one window's error from its squared errors per step and channel.</summary>
    /// <param name="channels">Channel names.</param>
    /// <param name="squared">Squared error per step and channel, row-major (step, channel).</param>
    /// <param name="watched">The channels the window's score measures.</param>
    public static Attribution OfWindow(IReadOnlyList<string> channels, ReadOnlySpan<float> squared, int[] watched)
    {
        var c = channels.Count;
        var steps = squared.Length / c;
        var (perChannel, perStep) = (new float[c], new float[steps]);
        for (var t = 0; t < steps; t++)
        {
            foreach (var j in watched)
            {
                perChannel[j] += squared[(t * c) + j] / steps;
                perStep[t] += squared[(t * c) + j] / watched.Length;
            }
        }

        return Of(channels, new SequenceScores([perStep.Average()], [0], [perStep], [perChannel], [[]]) { Watched = watched }, 0);
    }

    /// <summary>Attributes sequence <paramref name="index"/>'s error.</summary>
    /// <param name="channels">Channel names.</param>
    /// <param name="scores">Scores holding per-channel and per-step errors.</param>
    /// <param name="index">The sequence.</param>
    /// <param name="spanFraction">Width of the span as a fraction of the sequence (at least 5 steps, at most all).</param>
    public static Attribution Of(IReadOnlyList<string> channels, SequenceScores scores, int index, double spanFraction = 0.1)
    {
        var perChannel = scores.ChannelErrors[index];
        var measured = scores.Watched ?? [.. Enumerable.Range(0, channels.Count)]; // the score measures these; the others are inputs only
        var total = measured.Sum(c => (double)perChannel[c]);
        var shares = measured.Select(c => new KeyValuePair<string, double>(channels[c], total > 0 ? perChannel[c] / total : 1.0 / measured.Length))
            .OrderByDescending(kv => kv.Value).ToArray();

        var steps = scores.StepErrors[index];
        var width = Math.Clamp((int)Math.Round(spanFraction * steps.Length), Math.Min(5, steps.Length), steps.Length);
        double window = 0;
        for (var t = 0; t < width; t++)
        {
            window += steps[t];
        }

        var (best, bestStart) = (window, 0);
        for (var start = 1; start + width <= steps.Length; start++)
        {
            window += steps[start + width - 1] - steps[start - 1];
            if (window > best)
            {
                (best, bestStart) = (window, start);
            }
        }

        return new Attribution(shares, bestStart, bestStart + width);
    }
}
