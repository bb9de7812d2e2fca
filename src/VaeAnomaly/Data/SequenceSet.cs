namespace VaeAnomaly.Data;

/// <summary>
/// Variable-length multivariate sequences sharing one list of channels, with optional labels.
/// </summary>
public sealed class SequenceSet
{
    /// <summary>
    /// Creates a set; every sequence must hold a whole number of steps of <paramref name="channelNames"/>, and every value
    /// must be a finite number within ±<see cref="GapFilling.MaxMagnitude"/>, the readers' limit (a set built in code
    /// meets the same rule as one read from a file, so a NaN never reaches a model as a silently NaN score).
    /// </summary>
    /// <param name="channelNames">Channel names in column order.</param>
    /// <param name="sequences">The sequences.</param>
    /// <param name="labels">One label per sequence, or null when unknown.</param>
    /// <exception cref="ArgumentException">No channel, a channel named twice or not at all, a label count or a sequence length that does not fit, or a value out of range (naming its sequence, step and channel).</exception>
    public SequenceSet(IReadOnlyList<string> channelNames, IReadOnlyList<Sequence> sequences, IReadOnlyList<SequenceLabel>? labels = null)
        : this(channelNames, sequences, labels, alreadyChecked: false)
    {
    }

    private SequenceSet(IReadOnlyList<string> channelNames, IReadOnlyList<Sequence> sequences, IReadOnlyList<SequenceLabel>? labels, bool alreadyChecked)
    {
        if (channelNames.Count == 0)
        {
            throw new ArgumentException("A sequence set needs at least one channel.", nameof(channelNames));
        }

        if (!alreadyChecked)
        {
            // As the readers refuse such a header: a bundle naming a channel twice could not be loaded again.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in channelNames)
            {
                if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
                {
                    throw new ArgumentException(string.IsNullOrWhiteSpace(name)
                        ? $"Channel {seen.Count + 1} has no name; expected a name for every channel."
                        : $"Channel '{IO.Messages.Cut(name)}' appears twice; expected unique channel names.", nameof(channelNames));
                }
            }
        }

        if (labels is not null && labels.Count != sequences.Count)
        {
            throw new ArgumentException($"Got {labels.Count} labels for {sequences.Count} sequences.", nameof(labels));
        }

        foreach (var s in sequences)
        {
            if (s.Values.Length == 0 || s.Values.Length % channelNames.Count != 0)
            {
                throw new ArgumentException(
                    $"Sequence '{s.Id}' has {s.Values.Length} values, not a positive multiple of {channelNames.Count} channels.",
                    nameof(sequences));
            }

            if (!alreadyChecked && FirstOutOfRange(s.Values) is var i and >= 0)
            {
                throw new ArgumentException(
                    $"Sequence '{s.Id}' holds {s.Values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at step {i / channelNames.Count}, "
                    + $"channel '{channelNames[i % channelNames.Count]}'; expected a finite number within ±1e18 (fill or drop missing values first).",
                    nameof(sequences));
            }
        }

        ChannelNames = channelNames;
        Sequences = sequences;
        Labels = labels;
    }

    /// <summary>The file the set was read from, or null; errors about its sequences name it.</summary>
    public string? Source { get; init; }

    /// <summary>Missing cells filled by the reader (<see cref="MissingValues.Interpolate"/> or <see cref="MissingValues.Ffill"/>).</summary>
    public int FilledValues { get; init; }

    /// <summary>Rows dropped by the reader for a missing cell (<see cref="MissingValues.Drop"/>).</summary>
    public int DroppedRows { get; init; }

    /// <summary>Channels that 32-bit floats hold only coarsely next to how much they vary, found while reading a file whole (<see cref="FloatRounding"/>); empty otherwise.</summary>
    public IReadOnlyList<RoundedColumn> Rounded { get; init; } = [];

    /// <summary>Channel names in column order.</summary>
    public IReadOnlyList<string> ChannelNames { get; }

    /// <summary>Number of channels.</summary>
    public int Channels => ChannelNames.Count;

    /// <summary>The sequences.</summary>
    public IReadOnlyList<Sequence> Sequences { get; }

    /// <summary>One label per sequence, or null when the set is unlabelled.</summary>
    public IReadOnlyList<SequenceLabel>? Labels { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => Sequences.Count;

    /// <summary>Length (time steps) of sequence <paramref name="index"/>.</summary>
    public int LengthOf(int index) => Sequences[index].Values.Length / Channels;

    /// <summary>Total number of time steps over all sequences.</summary>
    public long TotalSteps => Sequences.Sum(s => (long)(s.Values.Length / Channels));

    /// <summary>
    /// The channels that hold one value at every step of every sequence, each with that value. A scaler gives such a
    /// channel a spread of 1 in its own units (as scikit-learn's StandardScaler does), so a later change of it counts by
    /// its size in those units.
    /// </summary>
    public IReadOnlyList<(int Channel, float Value)> ConstantChannels()
    {
        var c = Channels;
        var constant = new List<(int, float)>();
        for (var j = 0; j < c; j++)
        {
            var first = float.NaN;
            var same = true;
            foreach (var s in Sequences)
            {
                for (var i = j; i < s.Values.Length && same; i += c)
                {
                    first = float.IsNaN(first) ? s.Values[i] : first;
                    same = s.Values[i] == first;
                }
            }

            if (same && !float.IsNaN(first))
            {
                constant.Add((j, first));
            }
        }

        return constant;
    }

    /// <summary>The same sequences with other values (same ids, labels and channels).</summary>
    /// <param name="map">Maps a sequence's values to new values of the same length.</param>
    public SequenceSet MapValues(Func<float[], float[]> map) =>
        new(ChannelNames, Sequences.Select(s => s with { Values = map(s.Values) }).ToArray(), Labels);

    /// <summary>The sequences at <paramref name="indices"/>, in that order, with their labels.</summary>
    /// <param name="indices">Positions in this set.</param>
    public SequenceSet Subset(IReadOnlyList<int> indices) =>
        new(ChannelNames, [.. indices.Select(i => Sequences[i])], Labels is null ? null : [.. indices.Select(i => Labels[i])], alreadyChecked: true) { Source = Source };

    /// <summary>Index of the first value that is not finite or lies beyond ±<see cref="GapFilling.MaxMagnitude"/>, or -1.</summary>
    private static int FirstOutOfRange(float[] values)
    {
        var limit = new System.Numerics.Vector<float>(GapFilling.MaxMagnitude);
        var width = System.Numerics.Vector<float>.Count;
        var i = 0;
        while (i <= values.Length - width && System.Numerics.Vector.LessThanOrEqualAll(System.Numerics.Vector.Abs(new System.Numerics.Vector<float>(values, i)), limit))
        {
            i += width;
        }

        for (; i < values.Length; i++)
        {
            if (!GapFilling.InRange(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
