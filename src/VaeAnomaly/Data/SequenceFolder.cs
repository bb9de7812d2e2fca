namespace VaeAnomaly.Data;

/// <summary>The synthetic-v1 folder layout: <c>{split}.csv</c> with optional <c>{split}_labels.csv</c>.</summary>
public static class SequenceFolder
{
    /// <summary>Reads one split; its labels are read when the labels file exists.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="split"><c>train</c>, <c>val</c> or <c>test</c> (any name works).</param>
    /// <param name="missing">What to do with empty, NaN or infinite cells.</param>
    public static SequenceSet Read(string directory, string split, MissingValues missing = MissingValues.Error)
    {
        var data = Path.Combine(directory, split + ".csv");
        var labels = Path.Combine(directory, split + "_labels.csv");
        return SequenceCsvReader.Read(data, File.Exists(labels) ? labels : null, missing);
    }

    /// <summary>Writes the three splits of a generated data set into <paramref name="directory"/>.</summary>
    /// <param name="dataset">The data.</param>
    /// <param name="directory">An existing folder.</param>
    /// <param name="ct">Observed before each sequence is written.</param>
    public static void Write(SyntheticDataset dataset, string directory, CancellationToken ct = default)
    {
        foreach (var (split, set) in new[] { ("train", dataset.Train.Set), ("val", dataset.Validation.Set), ("test", dataset.Test.Set) })
        {
            SequenceCsvWriter.Write(set, Path.Combine(directory, split + ".csv"), Path.Combine(directory, split + "_labels.csv"), ct);
        }
    }
}
