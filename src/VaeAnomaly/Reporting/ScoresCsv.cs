using System.Globalization;
using CsvHelper;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// Writes one row per sequence: <c>sequence_id</c>, then <c>label,anomaly_type</c> when the set is labelled,
/// every score kind (<c>reconstruction,kl,combined,mahalanobis,elbo,nll-is</c>), and <c>threshold,flag</c> when a
/// thresholded score is named. Rows can be appended a chunk at a time (<see cref="Append"/>), so a file of any
/// size is written without holding all its scores.
/// </summary>
public sealed class ScoresCsv : IDisposable
{
    private readonly CsvWriter csv;
    private readonly bool labelled;
    private readonly ScoreKind? flagged;
    private readonly double threshold;

    /// <summary>Creates the file and writes its header.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="labelled">Whether rows carry labels.</param>
    /// <param name="flagged">The score kind the threshold applies to, or null for no threshold columns.</param>
    /// <param name="threshold">Scores of <paramref name="flagged"/> above it get flag 1.</param>
    public ScoresCsv(string path, bool labelled, ScoreKind? flagged = null, double threshold = double.NaN)
    {
        (this.labelled, this.flagged, this.threshold) = (labelled, flagged, threshold);
        csv = new CsvWriter(new StreamWriter(path), SequenceCsvReader.Output);
        var header = new List<string> { "sequence_id" };
        if (labelled)
        {
            header.AddRange(["label", "anomaly_type"]);
        }

        header.AddRange(ScoreKinds.All.Select(k => k.Name()));
        if (flagged is not null)
        {
            header.AddRange(["threshold", "flag"]);
        }

        foreach (var name in header)
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
    }

    /// <summary>Writes the scores of <paramref name="set"/> to a new file.</summary>
    /// <param name="set">The scored sequences.</param>
    /// <param name="scores">Their scores, aligned.</param>
    /// <param name="path">Destination file.</param>
    /// <param name="flagged">The score kind the threshold applies to, or null for no threshold columns.</param>
    /// <param name="threshold">Scores of <paramref name="flagged"/> above it get flag 1.</param>
    /// <exception cref="ArgumentException">Not one score per sequence of a kind the scores give; nothing is written.</exception>
    public static void Write(SequenceSet set, DetectorScores scores, string path, ScoreKind? flagged = null, double threshold = double.NaN)
    {
        CheckAligned(set, scores);
        using var writer = new ScoresCsv(path, set.Labels is not null, flagged, threshold);
        writer.Append(set, scores);
    }

    /// <summary>Appends one row per sequence of <paramref name="set"/>.</summary>
    /// <param name="set">The scored sequences; labelled exactly when the file is.</param>
    /// <param name="scores">Their scores, aligned.</param>
    /// <exception cref="ArgumentException">Labels where the file has none or the other way round, or not one score per sequence of a kind the scores give; no row is written.</exception>
    public void Append(SequenceSet set, DetectorScores scores)
    {
        if ((set.Labels is not null) != labelled)
        {
            throw new ArgumentException($"The file was started {(labelled ? "with" : "without")} label columns.", nameof(set));
        }

        CheckAligned(set, scores);

        static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        for (var i = 0; i < set.Count; i++)
        {
            csv.WriteField(set.Sequences[i].Id);
            if (set.Labels is not null)
            {
                csv.WriteField(set.Labels[i].IsAnomaly ? "1" : "0");
                csv.WriteField(set.Labels[i].AnomalyType);
            }

            foreach (var column in ScoreKinds.All)
            {
                var values = column == ScoreKind.Combined ? scores.Combined : scores.Parts.Of(column);
                csv.WriteField(values.Length > i ? F(values[i]) : "");
            }

            if (flagged is { } kind)
            {
                var value = kind == ScoreKind.Combined ? scores.Combined[i] : scores.Parts.Of(kind)[i];
                csv.WriteField(threshold.ToString("R", CultureInfo.InvariantCulture));
                csv.WriteField(value > threshold ? "1" : "0");
            }

            csv.NextRecord();
        }
    }

    /// <summary>Refuses scores that are not one per sequence (a kind the model does not give is empty, and written empty).</summary>
    private static void CheckAligned(SequenceSet set, DetectorScores scores)
    {
        foreach (var kind in ScoreKinds.All)
        {
            var count = kind == ScoreKind.Combined ? scores.Combined.Length : scores.Parts.Of(kind).Length;
            if (count != set.Count && (kind == ScoreKind.Combined || count > 0))
            {
                throw new ArgumentException($"Got {count} {kind.Name()} scores for {set.Count} sequences; expected one per sequence.", nameof(scores));
            }
        }
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => csv.Dispose();
}
