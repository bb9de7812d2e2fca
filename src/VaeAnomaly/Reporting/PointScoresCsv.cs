using System.Globalization;
using CsvHelper;
using VaeAnomaly.Data;

namespace VaeAnomaly.Reporting;

/// <summary>Writes one row per time step of a series: <c>timestamp,score,threshold,flag</c> and <c>label</c> when known.</summary>
public static class PointScoresCsv
{
    /// <summary>Writes the file.</summary>
    /// <param name="series">The scored series.</param>
    /// <param name="scores">Per-step score (squared error averaged over channels and over the windows covering the step).</param>
    /// <param name="threshold">Steps scoring above it get flag 1.</param>
    /// <param name="path">Destination file.</param>
    public static void Write(Series series, IReadOnlyList<float> scores, double threshold, string path)
    {
        using var csv = new CsvWriter(new StreamWriter(path), CultureInfo.InvariantCulture);
        foreach (var name in new[] { "timestamp", "score", "threshold", "flag" }.Concat(series.Labels is null ? [] : ["label"]))
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
        for (var t = 0; t < series.Length; t++)
        {
            csv.WriteField(series.Timestamps[t]);
            csv.WriteField(scores[t].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(threshold.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(scores[t] > threshold ? "1" : "0");
            if (series.Labels is not null)
            {
                csv.WriteField(series.Labels[t] ? "1" : "0");
            }

            csv.NextRecord();
        }
    }
}
