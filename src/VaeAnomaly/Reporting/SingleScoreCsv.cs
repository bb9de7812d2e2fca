using System.Globalization;
using CsvHelper;
using VaeAnomaly.Data;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Reporting;

/// <summary>
/// Writes one row per scored item of a detector with a single score (the baselines): the id column, then
/// <c>label,anomaly_type</c> when the data are labelled, <c>score,threshold,flag</c>, and when asked <c>columns</c>. Rows are appended a chunk at a
/// time, so a file of any size is written without holding all its scores.
/// </summary>
public sealed class SingleScoreCsv : IDisposable
{
    private readonly CsvWriter csv;
    private readonly bool labelled;
    private readonly double threshold;
    private readonly bool explained;

    /// <summary>Creates the file and writes its header.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="idColumn">Name of the first column: <c>sequence_id</c>, or <c>line</c> for records.</param>
    /// <param name="labelled">Whether rows carry labels.</param>
    /// <param name="threshold">Scores above it get flag 1.</param>
    /// <param name="explained">Whether a last column, <c>columns</c>, names a flagged row's columns (<see cref="PointScoresCsv.Columns"/>).</param>
    public SingleScoreCsv(string path, string idColumn, bool labelled, double threshold, bool explained = false)
    {
        (this.labelled, this.threshold, this.explained) = (labelled, threshold, explained);
        csv = new CsvWriter(new StreamWriter(path), SequenceCsvReader.Output);
        foreach (var name in (string[])[idColumn, .. labelled ? ["label", "anomaly_type"] : (string[])[], "score", "threshold", "flag", .. explained ? ["columns"] : (string[])[]])
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
    }

    /// <summary>Appends one row per item of <paramref name="set"/>, identified by its sequence id.</summary>
    /// <param name="set">The scored items; labelled exactly when the file is.</param>
    /// <param name="scores">Their scores, aligned.</param>
    /// <param name="explanations">Their explanations, aligned, when the file names columns; else null.</param>
    public void Append(SequenceSet set, IReadOnlyList<float> scores, IReadOnlyList<Attribution>? explanations = null)
    {
        if (explained != explanations is not null)
        {
            throw new ArgumentException($"The file was started {(explained ? "with" : "without")} a columns field.", nameof(explanations));
        }

        if ((set.Labels is not null) != labelled)
        {
            throw new ArgumentException($"The file was started {(labelled ? "with" : "without")} label columns.", nameof(set));
        }

        for (var i = 0; i < set.Count; i++)
        {
            csv.WriteField(set.Sequences[i].Id);
            if (set.Labels is not null)
            {
                csv.WriteField(set.Labels[i].IsAnomaly ? "1" : "0");
                csv.WriteField(set.Labels[i].AnomalyType);
            }

            csv.WriteField(scores[i].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(threshold.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(scores[i] > threshold ? "1" : "0");
            if (explanations is not null)
            {
                csv.WriteField(scores[i] > threshold ? PointScoresCsv.Columns(explanations[i]) : "");
            }

            csv.NextRecord();
        }
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => csv.Dispose();
}
