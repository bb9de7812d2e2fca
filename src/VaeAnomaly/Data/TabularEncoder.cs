namespace VaeAnomaly.Data;

/// <summary>
/// Turns records into model inputs: numeric features z-scored and text features one-hot encoded, both fitted
/// on the training records only. A text value never seen in training encodes as all zeros in its block.
/// </summary>
/// <param name="NumericNames">Numeric feature names.</param>
/// <param name="TextNames">Text feature names.</param>
/// <param name="Mean">Numeric means of the training records.</param>
/// <param name="Std">Numeric population standard deviations (1 where a feature is constant in training).</param>
/// <param name="Categories">Per text feature, its training values in ordinal order.</param>
public sealed record TabularEncoder(
    IReadOnlyList<string> NumericNames, IReadOnlyList<string> TextNames, double[] Mean, double[] Std, IReadOnlyList<IReadOnlyList<string>> Categories)
{
    /// <summary>Fits on the training records.</summary>
    /// <param name="train">Training records (normal only, for the benchmark).</param>
    /// <param name="numericNames">Numeric feature names.</param>
    /// <param name="textNames">Text feature names.</param>
    public static TabularEncoder Fit(IReadOnlyList<TabularRecord> train, IReadOnlyList<string> numericNames, IReadOnlyList<string> textNames)
    {
        if (train.Count == 0)
        {
            throw new ArgumentException("Cannot fit an encoder on no records.", nameof(train));
        }

        // The numeric features as one-step sequences, so the scaling is Standardizer's (population std, 1 where constant);
        // records of text columns only have none (a set of no channels is not a sequence set).
        var numeric = numericNames.Count == 0
            ? new Standardizer([], [])
            : Standardizer.Fit(new SequenceSet(numericNames, [.. train.Select((r, i) => new Sequence(i.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Numeric))]));
        var categories = textNames.Select((_, t) => (IReadOnlyList<string>)[.. train.Select(r => r.Text[t]).Distinct().Order(StringComparer.Ordinal)]).ToArray();
        return new TabularEncoder(numericNames, textNames, numeric.Mean, numeric.Std, categories);
    }

    /// <summary>Model input names: the numeric features, then <c>feature=value</c> per category.</summary>
    public IReadOnlyList<string> Columns =>
        [.. NumericNames, .. TextNames.SelectMany((name, t) => Categories[t].Select(c => $"{name}={c}"))];

    /// <summary>How many inputs a record encodes to: <see cref="Columns"/>' count, without building the names.</summary>
    public int Width => Mean.Length + Categories.Sum(c => c.Count);

    /// <summary>
    /// Most values (records x inputs) one encoding may hold: the bound of a cut of windows (<see cref="SlidingWindows.MaxValues"/>,
    /// 2 GB of floats before the model's copies). One-hot text columns multiply fast: 30 columns of 1,000 values make
    /// 30,001 inputs, and 80,000 such records 2.4 billion values, which the process could not hold.
    /// </summary>
    public const long MaxValues = SlidingWindows.MaxValues;

    /// <summary>Encodes one record.</summary>
    /// <param name="record">A record with this encoder's features.</param>
    public float[] Encode(TabularRecord record)
    {
        var values = new float[Width];
        for (var j = 0; j < Mean.Length; j++)
        {
            values[j] = Standardizer.Clip((record.Numeric[j] - Mean[j]) / Std[j]);
        }

        var offset = Mean.Length;
        for (var t = 0; t < Categories.Count; t++)
        {
            var index = BinarySearch(Categories[t], record.Text[t]);
            if (index >= 0)
            {
                values[offset + index] = 1;
            }

            offset += Categories[t].Count;
        }

        return values;
    }

    /// <summary>Encodes records as a set of one-step sequences (ids are positions), labelled by the records.</summary>
    /// <param name="records">The records.</param>
    /// <exception cref="ArgumentException">The encoding would hold more than <see cref="MaxValues"/> values.</exception>
    public SequenceSet ToSequenceSet(IReadOnlyList<TabularRecord> records)
    {
        if (TooLarge(records.Count) is { } problem)
        {
            throw new ArgumentException($"The data {problem}.");
        }

        return new(
            Columns,
            [.. records.Select((r, i) => new Sequence(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Encode(r)))],
            [.. records.Select(r => new SequenceLabel(r.IsAnomaly, r.IsAnomaly ? r.Type.TrimEnd('.') : SequenceLabel.Normal))]);
    }

    /// <summary>Encodes a table read from CSV: ids are the records' line numbers, labels only when the table has them.</summary>
    /// <param name="table">The records and where they came from.</param>
    /// <exception cref="DataFormatException">The encoding would hold more than <see cref="MaxValues"/> values.</exception>
    public SequenceSet ToSequenceSet(TabularTable table)
    {
        if (TooLarge(table.Records.Count) is { } problem)
        {
            throw new DataFormatException(table.Source, null, null, problem);
        }

        var id = (int i) => table.Lines[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SequenceSet(
            Columns,
            [.. table.Records.Select((r, i) => new Sequence(id(i), Encode(r)) { Line = table.Lines[i] })],
            table.Labelled ? [.. table.Records.Select(r => new SequenceLabel(r.IsAnomaly, r.Type))] : null)
        {
            Source = table.Source,
        };
    }

    /// <summary>How many of <paramref name="records"/> have a text value this encoder never saw in training (encoded as all zeros in its block).</summary>
    /// <param name="records">Records with this encoder's features.</param>
    public int CountUnseen(IEnumerable<TabularRecord> records) =>
        records.Count(r => Categories.Select((c, t) => BinarySearch(c, r.Text[t])).Any(i => i < 0));

    /// <summary>Why <paramref name="records"/> records are too many to encode at once (said of their file: "has ..."), naming the widest text columns; null when they fit.</summary>
    /// <param name="records">How many records would be encoded.</param>
    public string? TooLarge(int records)
    {
        var values = (long)records * Width;
        if (values <= MaxValues)
        {
            return null;
        }

        var widest = TextNames.Select((name, t) => (Name: name, Count: Categories[t].Count)).OrderByDescending(c => c.Count).Take(5)
            .Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Name} ({c.Count:N0} values)")).ToArray();
        var inputs = widest.Length == 0 ? "one per numeric column" : $"the numeric columns, and one per value of each text column; the widest: {string.Join(", ", widest)}";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"has {records:N0} records of {Width:N0} inputs each ({inputs}), {values:N0} values, where at most {MaxValues:N0} are held at once; leave {(widest.Length == 0 ? "" : "wide text ")}columns out with --columns, or use fewer records");
    }

    private static int BinarySearch(IReadOnlyList<string> sorted, string value)
    {
        int lo = 0, hi = sorted.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var c = string.CompareOrdinal(sorted[mid], value);
            if (c == 0)
            {
                return mid;
            }

            (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return -1;
    }
}
