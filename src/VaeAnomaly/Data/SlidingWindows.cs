namespace VaeAnomaly.Data;

/// <summary>Fixed-length windows cut from sequences, remembering where each came from.</summary>
/// <param name="Windows">The windows as sequences (ids <c>id@start</c>); a sequence shorter than the window is one window.</param>
/// <param name="Owner">Index of each window's source sequence.</param>
/// <param name="Start">First step of each window in its source.</param>
public sealed record SlidingWindows(SequenceSet Windows, int[] Owner, int[] Start)
{
    /// <summary>Cuts windows of <paramref name="length"/> steps every <paramref name="stride"/> steps; the last window of a sequence always ends at its last step.</summary>
    /// <param name="set">Source sequences.</param>
    /// <param name="length">Window length in steps.</param>
    /// <param name="stride">Steps between window starts.</param>
    public static SlidingWindows Cut(SequenceSet set, int length, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var c = set.Channels;
        var windows = new List<Sequence>();
        var owner = new List<int>();
        var start = new List<int>();
        for (var i = 0; i < set.Count; i++)
        {
            var source = set.Sequences[i];
            var steps = set.LengthOf(i);
            foreach (var s in Starts(steps, length, stride))
            {
                var width = Math.Min(length, steps);
                windows.Add(new Sequence($"{source.Id}@{s}", source.Values.AsSpan(s * c, width * c).ToArray()));
                owner.Add(i);
                start.Add(s);
            }
        }

        return new SlidingWindows(new SequenceSet(set.ChannelNames, windows), [.. owner], [.. start]);
    }

    /// <summary>Each source sequence's score: the largest score of its windows.</summary>
    /// <param name="windowScores">One score per window, in the order cut.</param>
    /// <param name="sequences">How many source sequences there were.</param>
    public float[] MaxPerSequence(IReadOnlyList<float> windowScores, int sequences)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(windowScores.Count, Owner.Length);
        var scores = Enumerable.Repeat(float.NegativeInfinity, sequences).ToArray();
        for (var w = 0; w < windowScores.Count; w++)
        {
            scores[Owner[w]] = Math.Max(scores[Owner[w]], windowScores[w]);
        }

        return scores;
    }

    /// <summary>Window starts for a sequence of <paramref name="steps"/> steps: 0, stride, 2 stride, ..., and steps - length.</summary>
    /// <param name="steps">Sequence length.</param>
    /// <param name="length">Window length.</param>
    /// <param name="stride">Steps between starts.</param>
    public static IEnumerable<int> Starts(int steps, int length, int stride)
    {
        if (steps <= length)
        {
            yield return 0;
            yield break;
        }

        var last = steps - length;
        for (var s = 0; s < last; s += stride)
        {
            yield return s;
        }

        yield return last;
    }

    /// <summary>
    /// Each sequence minus its own mean, channel by channel: a model then sees a window's shape and not its level,
    /// so slow drift does not move its scores (and neither does a lasting level shift).
    /// </summary>
    /// <param name="windows">Windows (or any sequences).</param>
    public static SequenceSet RemoveLevels(SequenceSet windows)
    {
        var c = windows.Channels;
        return windows.MapValues(values =>
        {
            var steps = values.Length / c;
            var centred = new float[values.Length];
            for (var k = 0; k < c; k++)
            {
                var sum = 0.0;
                for (var t = 0; t < steps; t++)
                {
                    sum += values[(t * c) + k];
                }

                var mean = sum / steps;
                for (var t = 0; t < steps; t++)
                {
                    centred[(t * c) + k] = (float)(values[(t * c) + k] - mean);
                }
            }

            return centred;
        });
    }
}
