using System.Globalization;
using CsvHelper;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Reporting;

/// <summary>Writes one row per sequence: <c>sequence_id,label,anomaly_type,reconstruction,kl,combined</c>.</summary>
public static class ScoresCsv
{
    /// <summary>Writes the scores of <paramref name="set"/>; label columns are empty when the set is unlabelled.</summary>
    /// <param name="set">The scored sequences.</param>
    /// <param name="scores">Their scores, aligned.</param>
    /// <param name="path">Destination file.</param>
    public static void Write(SequenceSet set, DetectorScores scores, string path)
    {
        using var csv = new CsvWriter(new StreamWriter(path), CultureInfo.InvariantCulture);
        foreach (var name in new[] { "sequence_id", "label", "anomaly_type", "reconstruction", "kl", "combined" })
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
        for (var i = 0; i < set.Count; i++)
        {
            csv.WriteField(set.Sequences[i].Id);
            csv.WriteField(set.Labels is null ? "" : set.Labels[i].IsAnomaly ? "1" : "0");
            csv.WriteField(set.Labels?[i].AnomalyType ?? "");
            csv.WriteField(scores.Parts.Reconstruction[i].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(scores.Parts.Kl[i].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(scores.Combined[i].ToString("R", CultureInfo.InvariantCulture));
            csv.NextRecord();
        }
    }
}
