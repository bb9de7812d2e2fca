namespace VaeAnomaly.Detectors;

/// <summary>
/// The mean and standard deviation of a column's last values in a sliding window, kept as running sums, and how many
/// of those deviations a new value lies from that mean: the <c>gaussian</c>'s score of values, the <c>seasonal</c>'s of
/// residuals.
/// </summary>
/// <param name="window">Values kept: the oldest leaves when one more arrives.</param>
internal sealed class RecentSpread(int window)
{
    private readonly Queue<double> values = new();
    private double sum;
    private double squares;

    /// <summary>True until a value has arrived: a value then has nothing to be judged against.</summary>
    public bool IsEmpty => values.Count == 0;

    /// <summary>How many standard deviations of the values kept <paramref name="value"/> lies from their mean, the deviation never below <paramref name="floor"/>.</summary>
    /// <param name="value">The new value.</param>
    /// <param name="floor">The smallest standard deviation (a constant window does not divide by zero).</param>
    public double Deviation(double value, double floor)
    {
        var mean = sum / values.Count;
        var spread = Math.Sqrt(Math.Max(0, (squares / values.Count) - (mean * mean)));
        return Math.Abs(value - mean) / Math.Max(spread, floor);
    }

    /// <summary>Keeps <paramref name="value"/>, and lets the oldest go once more than the window are kept.</summary>
    /// <param name="value">The value.</param>
    public void Push(double value)
    {
        values.Enqueue(value);
        (sum, squares) = (sum + value, squares + (value * value));
        if (values.Count > window)
        {
            var old = values.Dequeue();
            (sum, squares) = (sum - old, squares - (old * old));
        }
    }
}
