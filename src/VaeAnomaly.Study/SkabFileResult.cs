using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>One SKAB file's outcome under the leaderboard protocol.</summary>
/// <param name="Timestamps">The test rows' timestamps.</param>
/// <param name="Flags">One flag per test row.</param>
/// <param name="Counts">Counts of the flags against the file's <c>anomaly</c> column.</param>
/// <param name="Ucl">The upper control limit.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="Seconds">Time for the file, training included.</param>
/// <param name="Labels">The test rows' <c>anomaly</c> labels.</param>
public sealed record SkabFileResult(IReadOnlyList<string> Timestamps, bool[] Flags, ConfusionCounts Counts, double Ucl, int Epochs, double Seconds, bool[] Labels)
{
    /// <summary>False alarms among the normal test rows before the first anomalous row, and among those after it.</summary>
    public (FalseAlarms Before, FalseAlarms After) FalseAlarmsByPlace => SkabProtocol.FalseAlarmsByPlace(Labels, Flags);
}
