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

    /// <summary>Whether <paramref name="time"/> is earlier than <paramref name="previous"/> (both as <see cref="Read"/> gives them).</summary>
    public static bool IsEarlier((double? Number, DateTime? Date) time, (double? Number, DateTime? Date) previous) =>
        time.Number < previous.Number || time.Date < previous.Date;

    /// <summary>The index of the first timestamp earlier than the one before it, or null when they never go backwards.</summary>
    /// <param name="timestamps">The rows' timestamps, in the file's order.</param>
    public static int? FirstBackwards(IReadOnlyList<string> timestamps)
    {
        var previous = timestamps.Count > 0 ? Read(timestamps[0]) : default;
        for (var i = 1; i < timestamps.Count; i++)
        {
            var time = Read(timestamps[i]);
            if (IsEarlier(time, previous))
            {
                return i;
            }

            previous = time;
        }

        return null;
    }
}
