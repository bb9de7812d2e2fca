namespace VaeAnomaly.Scoring;

/// <summary>
/// Turns window scores into per-point scores of one series, one window at a time, so a long series never has
/// all its windows in memory: only one number or two per point is kept.
/// </summary>
/// <remarks>
/// A window starting at step s covers steps s to s + length - 1 (clipped to the series). Points no window
/// covers (only possible with a stride longer than the window), and under <see cref="PointScoreMode.Last"/> the
/// points before the first window has ended, score 0 and are never flagged; <see cref="FirstScored"/> says
/// where real scores begin.
/// </remarks>
public sealed class WindowPointScores
{
    private readonly int window;
    private readonly PointScoreMode mode;
    private readonly double[] sums;
    private readonly int[] counts;
    private readonly float[] ends;
    private readonly bool[] ended;

    /// <summary>Starts an empty accumulation.</summary>
    /// <param name="steps">Points of the series.</param>
    /// <param name="window">Window length.</param>
    /// <param name="mode">How windows become point scores.</param>
    public WindowPointScores(int steps, int window, PointScoreMode mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        this.window = window;
        this.mode = mode;
        sums = new double[mode == PointScoreMode.Last ? 0 : steps];
        counts = new int[mode == PointScoreMode.Last ? 0 : steps];
        ends = new float[mode == PointScoreMode.Last ? steps : 0];
        ended = new bool[mode == PointScoreMode.Last ? steps : 0];
        Steps = steps;
    }

    /// <summary>Points of the series.</summary>
    public int Steps { get; }

    /// <summary>
    /// The step scores of the sequences <paramref name="cut"/> was cut from, as <see cref="PointScoreMode.Step"/> scores a
    /// series: each step's error averaged over the windows covering it, sequence after sequence (steps no window covers
    /// left out). What a step threshold is fitted on, so that it flags the share of normal rows its rule says.
    /// </summary>
    /// <param name="cut">The windows, with the sequence and step each starts at.</param>
    /// <param name="source">The sequences they were cut from.</param>
    /// <param name="stepErrors">Row-major (window, step) errors, <paramref name="window"/> per window.</param>
    /// <param name="window">Steps per window.</param>
    public static float[] StepScores(Data.SlidingWindows cut, Data.SequenceSet source, float[] stepErrors, int window)
    {
        var scores = new List<float>();
        var accumulators = Enumerable.Range(0, source.Count).Select(i => new WindowPointScores(source.LengthOf(i), window, PointScoreMode.Step)).ToArray();
        for (var k = 0; k < cut.Start.Length; k++)
        {
            accumulators[cut.Owner[k]].AddStepErrors(cut.Start[k], stepErrors.AsSpan(k * window, window));
        }

        foreach (var accumulator in accumulators)
        {
            var result = accumulator.Result();
            scores.AddRange(result.Where((_, t) => accumulator.counts[t] > 0));
        }

        return [.. scores];
    }

    /// <summary>Adds the score of the window starting at <paramref name="start"/> (<see cref="PointScoreMode.Last"/>, <see cref="PointScoreMode.Mean"/>, <see cref="PointScoreMode.Max"/>).</summary>
    /// <param name="start">First step of the window.</param>
    /// <param name="score">The window's score.</param>
    public void Add(int start, float score)
    {
        if (mode == PointScoreMode.Step)
        {
            throw new InvalidOperationException("Step scores take the window's per-step errors: call AddStepErrors.");
        }

        var end = Math.Min(start + window, Steps) - 1;
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, end);
        if (mode == PointScoreMode.Last)
        {
            ends[end] = score;
            ended[end] = true;
            return;
        }

        for (var t = start; t <= end; t++)
        {
            sums[t] = mode == PointScoreMode.Max
                ? (counts[t] == 0 ? score : Math.Max(sums[t], score))
                : sums[t] + score;
            counts[t]++;
        }
    }

    /// <summary>Adds the per-step errors of the window starting at <paramref name="start"/> (<see cref="PointScoreMode.Step"/>).</summary>
    /// <param name="start">First step of the window.</param>
    /// <param name="errors">One error per step of the window.</param>
    public void AddStepErrors(int start, ReadOnlySpan<float> errors)
    {
        if (mode != PointScoreMode.Step)
        {
            throw new InvalidOperationException($"{mode} scores take one score per window: call Add.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + errors.Length, Steps);
        for (var k = 0; k < errors.Length; k++)
        {
            sums[start + k] += errors[k];
            counts[start + k]++;
        }
    }

    /// <summary>The first point with a real score (see the remarks); <see cref="Steps"/> when there is none.</summary>
    public int FirstScored => mode == PointScoreMode.Last
        ? Array.IndexOf(ended, true) is var i and >= 0 ? i : Steps
        : Array.FindIndex(counts, c => c > 0) is var j and >= 0 ? j : Steps;

    /// <summary>One score per point.</summary>
    public float[] Result()
    {
        var result = new float[Steps];
        if (mode == PointScoreMode.Last)
        {
            float? latest = null;
            for (var t = 0; t < Steps; t++)
            {
                latest = ended[t] ? ends[t] : latest;
                result[t] = latest ?? 0f;
            }

            return result;
        }

        for (var t = 0; t < Steps; t++)
        {
            result[t] = counts[t] == 0 ? 0f : mode == PointScoreMode.Max ? (float)sums[t] : (float)(sums[t] / counts[t]);
        }

        return result;
    }
}
