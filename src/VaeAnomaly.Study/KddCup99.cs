using System.Globalization;
using CsvHelper;
using VaeAnomaly.Data;

namespace VaeAnomaly.Study;

/// <summary>
/// The KDD Cup 1999 network-connection records (<c>kddcup.data_10_percent.gz</c> and relatives): 41 features
/// and a label per line, no header; the label is <c>normal.</c> or an attack's name.
/// </summary>
public static class KddCup99
{
    /// <summary>The 41 feature names, in file order (from the data set's <c>kddcup.names</c>).</summary>
    public static readonly IReadOnlyList<string> FeatureNames =
    [
        "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land", "wrong_fragment", "urgent", "hot",
        "num_failed_logins", "logged_in", "num_compromised", "root_shell", "su_attempted", "num_root", "num_file_creations",
        "num_shells", "num_access_files", "num_outbound_cmds", "is_host_login", "is_guest_login", "count", "srv_count",
        "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate", "same_srv_rate", "diff_srv_rate",
        "srv_diff_host_rate", "dst_host_count", "dst_host_srv_count", "dst_host_same_srv_rate", "dst_host_diff_srv_rate",
        "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate", "dst_host_serror_rate", "dst_host_srv_serror_rate",
        "dst_host_rerror_rate", "dst_host_srv_rerror_rate",
    ];

    /// <summary>Positions of the three text features (protocol_type, service, flag) among the 41.</summary>
    public static readonly IReadOnlyList<int> TextFeatures = [1, 2, 3];

    /// <summary>The label of normal records.</summary>
    public const string NormalLabel = "normal.";

    /// <summary>Reads every record, checking each line's field count and numbers.</summary>
    /// <param name="path">The file (plain or gzip).</param>
    /// <exception cref="DataFormatException">A line without 42 fields, a numeric feature that is not a finite number, or an empty label.</exception>
    public static IReadOnlyList<TabularRecord> Read(string path)
    {
        using var reader = TextInput.Open(path);
        var config = new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = ",",
            HasHeaderRecord = false,
            BadDataFound = args => throw new DataFormatException(path, args.Context.Parser?.RawRow, null, "has malformed quoting; expected 42 comma-separated fields"),
        };
        using var parser = new CsvParser(reader, config);
        var records = new List<TabularRecord>();
        var textSet = TextFeatures.ToHashSet();
        while (parser.Read())
        {
            var line = parser.RawRow;
            TextInput.CheckRows(path, line, records.Count + 1L, "records");
            var fields = parser.Record!;
            if (fields.Length == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (fields.Length != FeatureNames.Count + 1)
            {
                throw new DataFormatException(path, line, null, $"found {fields.Length} fields; expected {FeatureNames.Count} features and a label");
            }

            var numeric = new float[FeatureNames.Count - TextFeatures.Count];
            var text = new string[TextFeatures.Count];
            for (int i = 0, n = 0, t = 0; i < FeatureNames.Count; i++)
            {
                if (textSet.Contains(i))
                {
                    text[t++] = fields[i];
                }
                else if (float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v))
                {
                    numeric[n++] = v;
                }
                else
                {
                    throw new DataFormatException(path, line, FeatureNames[i], $"found '{fields[i]}'; expected a finite number");
                }
            }

            var label = fields[^1];
            if (label.Length == 0)
            {
                throw new DataFormatException(path, line, "label", $"is empty; expected '{NormalLabel}' or an attack name");
            }

            records.Add(new TabularRecord(numeric, text, label != NormalLabel, label));
        }

        if (records.Count == 0)
        {
            throw new DataFormatException(path, null, null, "has no records");
        }

        return records;
    }

    /// <summary>The names of the numeric features, in file order.</summary>
    public static IReadOnlyList<string> NumericNames => [.. FeatureNames.Where((_, i) => !TextFeatures.Contains(i))];

    /// <summary>The names of the text features, in file order.</summary>
    public static IReadOnlyList<string> TextNames => [.. TextFeatures.Select(i => FeatureNames[i])];

    /// <summary>
    /// The benchmark's split. <see cref="KddSubset.SA"/>: every normal record plus 3,377 attack records drawn
    /// at random with replacement (as scikit-learn's <c>fetch_kddcup99(subset="SA")</c> builds it, with our own
    /// seeded generator); <see cref="KddSubset.Full"/>: every record. Normal records are shuffled and split
    /// 60/20/20 into train, validation and test; attacks go to test only.
    /// </summary>
    /// <param name="records">Every record of the file.</param>
    /// <param name="subset">SA or full.</param>
    /// <param name="seed">Seed of the attack draw and the shuffle.</param>
    public static (IReadOnlyList<TabularRecord> Train, IReadOnlyList<TabularRecord> Validation, IReadOnlyList<TabularRecord> Test) Split(
        IReadOnlyList<TabularRecord> records, KddSubset subset, int seed)
    {
        var rng = new Random(seed);
        var normal = records.Where(r => !r.IsAnomaly).ToArray();
        var attacks = records.Where(r => r.IsAnomaly).ToArray();
        if (normal.Length < 5 || attacks.Length == 0)
        {
            throw new ArgumentException($"The records hold {normal.Length} normal and {attacks.Length} attack records; the benchmark needs at least 5 normal and 1 attack.", nameof(records));
        }

        if (subset == KddSubset.SA)
        {
            attacks = [.. Enumerable.Range(0, SaAttacks).Select(_ => attacks[rng.Next(attacks.Length)])];
        }

        rng.Shuffle(normal);
        var trainCount = (int)(normal.Length * 0.6);
        var validationCount = (int)(normal.Length * 0.2);
        return (normal[..trainCount], normal[trainCount..(trainCount + validationCount)], [.. normal[(trainCount + validationCount)..], .. attacks]);
    }

    /// <summary>Attack records drawn for the SA subset.</summary>
    public const int SaAttacks = 3377;
}
