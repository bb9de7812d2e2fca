using System.Globalization;

namespace VaeAnomaly.Data;

/// <summary>
/// Whether a row's time comes before another's: timestamps that read as numbers compare as numbers, those that read as
/// dates compare as dates (UTC unless they say otherwise); any other pair is not compared.
/// </summary>
public static class TimeOrder
{
    /// <summary>A timestamp as a number or a date, whichever it reads as (a number first); both null when neither.</summary>
    /// <param name="timestamp">The timestamp's text.</param>
    public static (double? Number, DateTime? Date) Read(string timestamp)
    {
        if (double.TryParse(timestamp, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return (number, null);
        }

        return DateTime.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? (null, date)
            : (null, null);
    }

    /// <summary>What a timestamp reads as: "number", "date", or null when it is neither (a label such as 'x').</summary>
    /// <param name="time">A timestamp as <see cref="Read"/> gives it.</param>
    public static string? Kind((double? Number, DateTime? Date) time) =>
        time.Number is not null ? "number" : time.Date is not null ? "date" : null;

    /// <summary>Whether <paramref name="time"/> is earlier than <paramref name="previous"/> (both as <see cref="Read"/> gives them).</summary>
    public static bool IsEarlier((double? Number, DateTime? Date) time, (double? Number, DateTime? Date) previous) =>
        time.Number < previous.Number || time.Date < previous.Date;

    /// <summary>
    /// The largest step between consecutive timestamps and the usual (median) step, when every timestamp reads as a date
    /// (steps in seconds) or every one as a number (steps in its units) and the usual step is positive; null otherwise.
    /// </summary>
    /// <param name="timestamps">The rows' timestamps, in the file's order.</param>
    /// <returns>The row the largest step ends at, that step and the median step.</returns>
    public static (int Row, double Step, double Usual, bool Dates)? LargestStep(IReadOnlyList<string> timestamps) =>
        LargestStep([.. timestamps.Select(Read)]);

    /// <inheritdoc cref="LargestStep(IReadOnlyList{string})"/>
    /// <param name="times">The rows' timestamps as <see cref="Read"/> gives them (each read once for both questions).</param>
    public static (int Row, double Step, double Usual, bool Dates)? LargestStep((double? Number, DateTime? Date)[] times)
    {
        if (times.Length < 3)
        {
            return null;
        }

        var dates = times.All(t => t.Date is not null);
        if (!dates && !times.All(t => t.Number is not null))
        {
            return null;
        }

        var steps = Enumerable.Range(1, times.Length - 1)
            .Select(i => dates ? (times[i].Date!.Value - times[i - 1].Date!.Value).TotalSeconds : times[i].Number!.Value - times[i - 1].Number!.Value).ToArray();
        var sorted = steps.Order().ToArray();
        var usual = sorted[sorted.Length / 2];
        var largest = Array.IndexOf(steps, sorted[^1]);
        return usual > 0 ? (largest + 1, steps[largest], usual, dates) : null;
    }

    /// <summary>The index of the first timestamp that is not of the first one's kind (a label among dates, a number among dates), or null when the first is neither a number nor a date or all are of its kind.</summary>
    /// <param name="times">The rows' timestamps as <see cref="Read"/> gives them.</param>
    public static int? FirstOfAnotherKind((double? Number, DateTime? Date)[] times)
    {
        var kind = times.Length > 0 ? Kind(times[0]) : null;
        var i = kind is null ? -1 : Array.FindIndex(times, t => Kind(t) != kind);
        return i >= 0 ? i : null;
    }

    /// <summary>The index of the first timestamp earlier than the one before it, or null when they never go backwards.</summary>
    /// <param name="timestamps">The rows' timestamps, in the file's order.</param>
    public static int? FirstBackwards(IReadOnlyList<string> timestamps) => FirstBackwards([.. timestamps.Select(Read)]);

    /// <inheritdoc cref="FirstBackwards(IReadOnlyList{string})"/>
    /// <param name="times">The rows' timestamps as <see cref="Read"/> gives them.</param>
    public static int? FirstBackwards((double? Number, DateTime? Date)[] times)
    {
        var previous = times.Length > 0 ? times[0] : default;
        for (var i = 1; i < times.Length; i++)
        {
            var time = times[i];
            if (IsEarlier(time, previous))
            {
                return i;
            }

            previous = time;
        }

        return null;
    }
}
