using System.Globalization;

namespace VaeAnomaly.Streaming;

/// <summary>
/// How long a stream rests after an alarm: once a row is flagged, the next <see cref="For"/> rows are not flagged, so one
/// event raises one alarm instead of a burst. Only what is reported rests: the scores, the learning and the surprise
/// history go on as before. <see cref="Automatic"/> rests a fifth of the training length, the rest period of the published
/// CAD OSE detector (its probationary period / 5).
/// </summary>
/// <param name="Rows">Rows to rest after an alarm (0: never rest), unless <paramref name="Auto"/>.</param>
/// <param name="Auto">Rest a fifth of the training length.</param>
public readonly record struct AlarmRest(int Rows, bool Auto = false)
{
    /// <summary>No rest: every flagged row is reported (also the default value).</summary>
    public static AlarmRest Off => default;

    /// <summary>Rests a fifth of the training length.</summary>
    public static AlarmRest Automatic => new(0, Auto: true);

    /// <summary>Rows to rest after an alarm, for a model trained on <paramref name="trainingRows"/> rows.</summary>
    /// <param name="trainingRows">Rows the model was first fitted on (training and validation).</param>
    public int For(int trainingRows) => Auto ? Math.Max(1, trainingRows / 5) : Rows;

    /// <summary>Reads <c>off</c>, <c>auto</c> or a number of rows.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static AlarmRest Parse(string text) => text.Trim() switch
    {
        "off" => Off,
        "auto" => Automatic,
        var rows when int.TryParse(rows, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => new(n),
        _ => throw new ArgumentException($"--rest takes off, auto (a fifth of the training length) or a whole number of rows; got '{IO.Messages.Cut(text)}'."),
    };

    /// <inheritdoc />
    public override string ToString() => Auto ? "auto" : Rows == 0 ? "off" : Rows.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One row of a stream: whether it lies in a rest (and so is not flagged, whatever its score), counting the rest down;
    /// a flagged row outside a rest starts one of <paramref name="rows"/> rows.
    /// </summary>
    /// <param name="left">Rows of the current rest still to come; updated.</param>
    /// <param name="flagged">Whether the row's score is above the threshold.</param>
    /// <param name="rows">The rest's length.</param>
    public static bool Rests(ref int left, bool flagged, int rows)
    {
        if (left > 0)
        {
            left--;
            return true;
        }

        left = flagged ? rows : 0;
        return false;
    }

    /// <summary>
    /// The rest applied to a scored series, as a stream would report it: every row from <paramref name="first"/> on that lies
    /// in a rest scores 0 (a detector at rest is quiet); the others keep their score.
    /// </summary>
    /// <param name="scores">Per-row scores; changed in place.</param>
    /// <param name="first">First row that may be flagged (earlier rows are left as they are).</param>
    /// <param name="threshold">A row is flagged when its score is above it.</param>
    /// <param name="rows">The rest's length.</param>
    public static void Quieten(float[] scores, int first, double threshold, int rows)
    {
        var left = 0;
        for (var t = first; t < scores.Length; t++)
        {
            if (Rests(ref left, scores[t] > threshold, rows))
            {
                scores[t] = 0;
            }
        }
    }
}
