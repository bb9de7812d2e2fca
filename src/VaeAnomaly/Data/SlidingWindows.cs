namespace VaeAnomaly.Data;

/// <summary>Fixed-length windows cut from sequences, remembering where each came from.</summary>
/// <param name="Windows">The windows as sequences (ids <c>id@start</c>); a sequence shorter than the window is one window.</param>
/// <param name="Owner">Index of each window's source sequence.</param>
/// <param name="Start">First step of each window in its source.</param>
public sealed record SlidingWindows(SequenceSet Windows, int[] Owner, int[] Start)
{
    /// <summary>Cuts windows as <see cref="Cut"/> does from sequences that must each hold at least one whole window.</summary>
    /// <param name="set">Source sequences.</param>
    /// <param name="length">Window length in steps.</param>
    /// <param name="stride">Steps between window starts.</param>
    /// <param name="model">The model's name, for the message.</param>
    /// <exception cref="ArgumentException">A sequence shorter than one window; the message names it and what would help.</exception>
    public static SlidingWindows CutWhole(SequenceSet set, int length, int stride, string model)
    {
        for (var i = 0; i < set.Count; i++)
        {
            if (set.LengthOf(i) < length)
            {
                throw new ArgumentException($"Sequence '{set.Sequences[i].Id}' has {set.LengthOf(i)} steps; the {model} reads windows of {length} steps: choose a smaller --window, or give it more steps (for a series, more rows or a larger share of them for this part in --split).");
            }
        }

        return Cut(set, length, stride);
    }

    /// <summary>Cuts windows of <paramref name="length"/> steps every <paramref name="stride"/> steps; the last window of a sequence always ends at its last step.</summary>
    /// <param name="set">Source sequences.</param>
    /// <param name="length">Window length in steps.</param>
    /// <param name="stride">Steps between window starts.</param>
    /// <exception cref="ArgumentException">The windows would hold more than <see cref="MaxValues"/> values; the message gives the stride that fits.</exception>
    public static SlidingWindows Cut(SequenceSet set, int length, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        CheckSize(set, length, stride);
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

    /// <summary>
    /// Most values (windows x steps x channels) one cut may hold: every window is a copy, so a long window at a small
    /// stride multiplies the series (a 4,096-step window every step of 210,000 rows made 1.7 billion values, and the
    /// process was killed for memory at 24 GB). 500 million floats are 2 GB, before the model's own copies.
    /// </summary>
    public const long MaxValues = 500_000_000;

    /// <summary>How many windows <see cref="Starts"/> gives for a sequence of <paramref name="steps"/> steps.</summary>
    /// <param name="steps">Sequence length.</param>
    /// <param name="length">Window length.</param>
    /// <param name="stride">Steps between starts.</param>
    public static long Count(int steps, int length, int stride) => steps <= length ? 1 : ((steps - length + (long)stride - 1) / stride) + 1;

    /// <summary>Values the windows of <paramref name="set"/> hold: each window's steps times the channels.</summary>
    /// <param name="set">Source sequences.</param>
    /// <param name="length">Window length.</param>
    /// <param name="stride">Steps between starts.</param>
    public static long ValuesOf(SequenceSet set, int length, int stride) =>
        Enumerable.Range(0, set.Count).Sum(i => Count(set.LengthOf(i), length, stride) * Math.Min(length, set.LengthOf(i))) * set.Channels;

    /// <summary>Refuses a cut of more than <see cref="MaxValues"/> values before any is copied, naming the smallest stride that fits (if one does).</summary>
    private static void CheckSize(SequenceSet set, int length, int stride)
    {
        var values = ValuesOf(set, length, stride);
        if (values <= MaxValues)
        {
            return;
        }

        var longest = Enumerable.Range(0, set.Count).Select(set.LengthOf).DefaultIfEmpty(1).Max();
        var (low, high) = (stride, Math.Max(stride, longest)); // values fall as the stride grows; find the smallest that fits
        string fix;
        if (ValuesOf(set, length, high) > MaxValues)
        {
            fix = "a shorter window (--window) or less data";
        }
        else
        {
            while (low < high)
            {
                var mid = low + ((high - low) / 2);
                (low, high) = ValuesOf(set, length, mid) <= MaxValues ? (low, mid) : (mid + 1, high);
            }

            fix = $"a stride of at least {low} steps (--train-stride, --score-stride) or a shorter window (--window)";
        }

        throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Windows of {length} steps every {stride} steps over {set.TotalSteps:N0} steps of {set.Channels} channels would hold {values:N0} values, each window a copy; at most {MaxValues:N0} are held at once: use {fix}."));
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
