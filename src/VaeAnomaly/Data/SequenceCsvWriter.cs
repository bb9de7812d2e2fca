using System.Globalization;
using CsvHelper;

namespace VaeAnomaly.Data;

/// <summary>Writes a set in the synthetic-v1 file layout that <see cref="SequenceCsvReader"/> reads.</summary>
public static class SequenceCsvWriter
{
    /// <summary>Writes the long-format data file and, if the set is labelled, the labels file.</summary>
    /// <param name="set">The sequences.</param>
    /// <param name="dataPath">Destination of <c>sequence_id,t,channels...</c>.</param>
    /// <param name="labelsPath">Destination of <c>sequence_id,label,anomaly_type,length</c>; ignored when null or the set is unlabelled.</param>
    /// <param name="ct">Observed before each sequence: a stopped write leaves a partial file, so write under a temporary name.</param>
    public static void Write(SequenceSet set, string dataPath, string? labelsPath, CancellationToken ct = default)
    {
        using (var csv = new CsvWriter(new StreamWriter(dataPath), SequenceCsvReader.Output))
        {
            csv.WriteField(SequenceCsvReader.IdColumn);
            csv.WriteField(SequenceCsvReader.TimeColumn);
            foreach (var name in set.ChannelNames)
            {
                csv.WriteField(name);
            }

            csv.NextRecord();
            foreach (var s in set.Sequences)
            {
                ct.ThrowIfCancellationRequested();
                var length = s.Values.Length / set.Channels;
                for (var t = 0; t < length; t++)
                {
                    csv.WriteField(s.Id);
                    csv.WriteField(t);
                    for (var c = 0; c < set.Channels; c++)
                    {
                        csv.WriteField(s.Values[(t * set.Channels) + c].ToString("R", CultureInfo.InvariantCulture));
                    }

                    csv.NextRecord();
                }
            }
        }

        if (labelsPath is null || set.Labels is null)
        {
            return;
        }

        using var labels = new CsvWriter(new StreamWriter(labelsPath), SequenceCsvReader.Output);
        labels.WriteField(SequenceCsvReader.IdColumn);
        labels.WriteField("label");
        labels.WriteField("anomaly_type");
        labels.WriteField("length");
        labels.NextRecord();
        for (var i = 0; i < set.Count; i++)
        {
            labels.WriteField(set.Sequences[i].Id);
            labels.WriteField(set.Labels[i].IsAnomaly ? 1 : 0);
            labels.WriteField(set.Labels[i].AnomalyType);
            labels.WriteField(set.LengthOf(i));
            labels.NextRecord();
        }
    }
}
