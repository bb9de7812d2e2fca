using VaeAnomaly.Data;

namespace VaeAnomaly.Cli.Commands;

/// <summary>How commands find sequences: a synthetic-v1 folder or one long-format CSV file.</summary>
internal static class DataPaths
{
    /// <summary>The train and validation splits of a folder in the synthetic-v1 layout.</summary>
    public static (SequenceSet Train, SequenceSet Validation) ReadTrainingFolder(string path)
    {
        if (File.Exists(path))
        {
            throw new DataFormatException(path, null, null,
                "is a file; train expects a folder in the synthetic-v1 layout holding train.csv and val.csv (series files with a split option come with the CSV-series reader)");
        }

        if (!Directory.Exists(path))
        {
            throw new DataFormatException(path, null, null, "does not exist; expected a folder holding train.csv and val.csv");
        }

        return (SequenceFolder.Read(path, "train"), SequenceFolder.Read(path, "val"));
    }

    /// <summary>
    /// Sequences to score: a CSV file, or a folder's <c>test.csv</c>. Labels come from <paramref name="labels"/>
    /// or, when that is null, from a <c>NAME_labels.csv</c> beside a <c>NAME.csv</c> file if one exists.
    /// </summary>
    public static SequenceSet ReadSequences(string path, string? labels)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "test.csv") : path;
        if (labels is null)
        {
            var sibling = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, Path.GetFileNameWithoutExtension(file) + "_labels.csv");
            labels = File.Exists(sibling) ? sibling : null;
        }

        return SequenceCsvReader.Read(file, labels);
    }
}
