using VaeAnomaly.Data;

namespace VaeAnomaly.Scoring;

/// <summary>
/// The chunked window loop every window model shares: cuts a scaled series into windows at a stride, hands them to
/// the model a chunk at a time (so memory stays bounded by the series, whatever its length and the stride), and
/// folds each window's score, or its steps' errors, into one score per time step (<see cref="WindowPointScores"/>).
/// </summary>
internal static class WindowedSeriesScorer
{
    /// <summary>What a model returns for one chunk of windows: a score per window, or errors per window and step.</summary>
    /// <param name="Scores">One score per window (modes other than <see cref="PointScoreMode.Step"/>).</param>
    /// <param name="StepErrors">Row-major (window, step) errors, <c>width</c> steps per window (<see cref="PointScoreMode.Step"/>).</param>
    internal sealed record ChunkScores(float[]? Scores, float[]? StepErrors);

    /// <summary>Point scores of <paramref name="scaled"/> (one sequence) from its windows.</summary>
    /// <param name="scaled">The series in the model's units.</param>
    /// <param name="width">Steps per window.</param>
    /// <param name="stride">Steps between window starts.</param>
    /// <param name="mode">How windows become point scores.</param>
    /// <param name="chunk">Windows per call of <paramref name="score"/>.</param>
    /// <param name="score">Scores a chunk, given the index of its first window and the windows.</param>
    /// <param name="progress">Reports windows scored so far.</param>
    /// <param name="ct">Observed before each chunk.</param>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static (float[] Scores, int FirstScored, int Windows) Score(
        SequenceSet scaled, int width, int stride, PointScoreMode mode, int chunk, Func<int, SequenceSet, ChunkScores> score, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var starts = Starts(scaled, width, stride);
        var accumulator = new WindowPointScores(scaled.LengthOf(0), width, mode);
        foreach (var (first, part, windows) in Chunks(scaled, starts, width, chunk))
        {
            ct.ThrowIfCancellationRequested();
            var scores = score(first, windows);
            for (var k = 0; k < part.Length; k++)
            {
                if (mode == PointScoreMode.Step)
                {
                    accumulator.AddStepErrors(part[k], scores.StepErrors.AsSpan(k * width, width));
                }
                else
                {
                    accumulator.Add(part[k], scores.Scores![k]);
                }
            }

            progress?.Report(first + part.Length);
        }

        return (accumulator.Result(), accumulator.FirstScored, starts.Length);
    }

    /// <summary>Where the windows of <paramref name="scaled"/> start.</summary>
    /// <param name="scaled">One sequence.</param>
    /// <param name="width">Steps per window.</param>
    /// <param name="stride">Steps between starts.</param>
    public static int[] Starts(SequenceSet scaled, int width, int stride) => [.. SlidingWindows.Starts(scaled.LengthOf(0), width, stride)];

    /// <summary>The windows at <paramref name="starts"/>, <paramref name="chunk"/> at a time: each chunk's first index, starts and windows.</summary>
    /// <param name="scaled">One sequence.</param>
    /// <param name="starts">Window starts.</param>
    /// <param name="width">Steps per window.</param>
    /// <param name="chunk">Windows per chunk.</param>
    public static IEnumerable<(int First, int[] Part, SequenceSet Windows)> Chunks(SequenceSet scaled, int[] starts, int width, int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var values = scaled.Sequences[0].Values;
        var c = scaled.Channels;
        for (var first = 0; first < starts.Length; first += chunk)
        {
            var part = starts.AsSpan(first, Math.Min(chunk, starts.Length - first)).ToArray();
            yield return (first, part, new SequenceSet(scaled.ChannelNames, [.. part.Select(s => new Sequence($"@{s}", values.AsSpan(s * c, width * c).ToArray()))]));
        }
    }
}
