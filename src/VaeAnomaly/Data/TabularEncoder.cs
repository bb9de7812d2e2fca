using MathNet.Numerics.LinearAlgebra;

namespace VaeAnomaly.Data;

/// <summary>
/// Turns records into model inputs: numeric features z-scored and text features one-hot encoded, both fitted
/// on the training records only. A text value never seen in training encodes as all zeros in its block. A numeric gap
/// (NaN, kept by <see cref="MissingValues.Mean"/> or <see cref="MissingValues.Conditional"/>) encodes as 0, the training
/// mean, or as what the record's other numbers predict through <see cref="Covariance"/>; the mean and spread are those of
/// the values present.
/// </summary>
/// <param name="NumericNames">Numeric feature names.</param>
/// <param name="TextNames">Text feature names.</param>
/// <param name="Mean">Numeric means of the training records.</param>
/// <param name="Std">Numeric population standard deviations (1 where a feature is constant in training).</param>
/// <param name="Categories">Per text feature, its training values in ordinal order.</param>
/// <param name="Covariance">
/// The covariance of the standardised numeric features over the training records (a gap counted as the mean), which
/// <see cref="MissingValues.Conditional"/> fills gaps from; null for more than <see cref="MaxCovariance"/> numeric features,
/// none, or an encoder saved before it was kept.
/// </param>
public sealed record TabularEncoder(
    IReadOnlyList<string> NumericNames, IReadOnlyList<string> TextNames, double[] Mean, double[] Std, IReadOnlyList<IReadOnlyList<string>> Categories,
    double[][]? Covariance = null)
{
    /// <summary>Most numeric features whose covariance is kept (10,000 numbers in the bundle's manifest).</summary>
    public const int MaxCovariance = 100;

    /// <summary>Most training records the covariance is estimated from (the first ones given: training records are shuffled).</summary>
    public const int CovarianceRecords = 100_000;

    /// <summary>
    /// Added to the covariance's diagonal before a gap is predicted from the other features: two columns that always move
    /// together (a copy, a sum of others) make it singular, and the prediction then shrinks slightly towards the mean.
    /// </summary>
    public const double Ridge = 0.01;

    /// <summary>Fits on the training records.</summary>
    /// <param name="train">Training records (normal only, for the benchmark).</param>
    /// <param name="numericNames">Numeric feature names.</param>
    /// <param name="textNames">Text feature names.</param>
    /// <exception cref="ArgumentException">No records, or a numeric feature with no value in any of them (a gap in each).</exception>
    public static TabularEncoder Fit(IReadOnlyList<TabularRecord> train, IReadOnlyList<string> numericNames, IReadOnlyList<string> textNames)
    {
        if (train.Count == 0)
        {
            throw new ArgumentException("Cannot fit an encoder on no records.", nameof(train));
        }

        // Each numeric feature's values present as a one-channel sequence, so the scaling is Standardizer's (population
        // std, 1 where constant) over the values a gap does not hide.
        var mean = new double[numericNames.Count];
        var std = new double[numericNames.Count];
        for (var j = 0; j < numericNames.Count; j++)
        {
            float[] present = [.. train.Select(r => r.Numeric[j]).Where(v => !float.IsNaN(v))];
            if (present.Length == 0)
            {
                throw new ArgumentException($"The numeric feature '{numericNames[j]}' has no value in any of the {train.Count} training records; there is no mean to fill its gaps with.", nameof(train));
            }

            var scaler = Standardizer.Fit(new SequenceSet([numericNames[j]], [new Sequence(numericNames[j], present)]));
            (mean[j], std[j]) = (scaler.Mean[0], scaler.Std[0]);
        }

        var covariance = numericNames.Count is > 0 and <= MaxCovariance ? CovarianceOf(train, mean, std) : null;

        var categories = textNames.Select((_, t) => (IReadOnlyList<string>)[.. train.Select(r => r.Text[t]).Distinct().Order(StringComparer.Ordinal)]).ToArray();
        return new TabularEncoder(numericNames, textNames, mean, std, categories, covariance);
    }

    /// <summary>The covariance of the first <see cref="CovarianceRecords"/> records' standardised numbers, a gap counted as 0 (the mean).</summary>
    private static double[][] CovarianceOf(IReadOnlyList<TabularRecord> train, double[] mean, double[] std)
    {
        var k = mean.Length;
        var n = Math.Min(train.Count, CovarianceRecords);
        var sums = new double[k * k];
        var z = new double[k];
        for (var r = 0; r < n; r++)
        {
            for (var j = 0; j < k; j++)
            {
                var v = train[r].Numeric[j];
                z[j] = float.IsNaN(v) ? 0 : Standardizer.Clip((v - mean[j]) / std[j]);
            }

            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b <= a; b++)
                {
                    sums[(a * k) + b] += z[a] * z[b];
                }
            }
        }

        return [.. Enumerable.Range(0, k).Select(a => Enumerable.Range(0, k).Select(b => sums[(Math.Max(a, b) * k) + Math.Min(a, b)] / n).ToArray())];
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

    /// <summary>Encodes one record, a numeric gap (NaN) as the training mean.</summary>
    /// <param name="record">A record with this encoder's features.</param>
    public float[] Encode(TabularRecord record) => Encode(record, MissingValues.Mean, null);

    /// <summary>Encodes one record, its numeric gaps (NaN) filled as <paramref name="fill"/> says.</summary>
    /// <param name="record">A record with this encoder's features.</param>
    /// <param name="fill"><see cref="MissingValues.Conditional"/> predicts a gap from the record's other numbers; anything else takes the mean.</param>
    /// <exception cref="ArgumentException">A gap to predict, and no <see cref="Covariance"/> to predict it from.</exception>
    public float[] Encode(TabularRecord record, MissingValues fill) => Encode(record, fill, null);

    private float[] Encode(TabularRecord record, MissingValues fill, Dictionary<string, Matrix<double>>? predictors)
    {
        var values = new float[Width];
        var gaps = false;
        for (var j = 0; j < Mean.Length; j++)
        {
            gaps |= float.IsNaN(record.Numeric[j]);
            values[j] = float.IsNaN(record.Numeric[j]) ? 0 : Standardizer.Clip((record.Numeric[j] - Mean[j]) / Std[j]); // a gap: the training mean
        }

        if (gaps && fill == MissingValues.Conditional)
        {
            Predict(values, record.Numeric, predictors ?? []);
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

    /// <summary>
    /// Replaces the standardised gaps of <paramref name="values"/> (0 on entry) by their conditional mean given the
    /// features present, under a Gaussian with <see cref="Covariance"/>: Σ_gp (Σ_pp + <see cref="Ridge"/> I)⁻¹ z_p. The
    /// matrix is solved once per pattern of gaps (<paramref name="predictors"/>).
    /// </summary>
    private void Predict(float[] values, float[] numbers, Dictionary<string, Matrix<double>> predictors)
    {
        var covariance = Covariance ?? throw new ArgumentException(
            $"This model's encoder keeps no covariance of its {Mean.Length} number columns ({(Mean.Length > MaxCovariance ? $"more than {MaxCovariance}" : "it was saved before one was kept")}), so a gap cannot be predicted from a record's other numbers: use --missing mean or drop{(Mean.Length > MaxCovariance ? "" : ", or train the model again")}.");
        var pattern = new string([.. numbers.Select(v => float.IsNaN(v) ? 'g' : 'p')]);
        int[] gap = [.. Enumerable.Range(0, numbers.Length).Where(j => pattern[j] == 'g')];
        int[] present = [.. Enumerable.Range(0, numbers.Length).Where(j => pattern[j] == 'p')];
        if (present.Length == 0)
        {
            return; // nothing to predict from: the means stand
        }

        if (!predictors.TryGetValue(pattern, out var predictor))
        {
            var m = Matrix<double>.Build;
            var pp = m.Dense(present.Length, present.Length, (i, j) => covariance[present[i]][present[j]] + (i == j ? Ridge : 0));
            var pg = m.Dense(present.Length, gap.Length, (i, j) => covariance[present[i]][gap[j]]);
            predictor = pp.Cholesky().Solve(pg).Transpose(); // (gaps x present): Σ_gp Σ_pp⁻¹, Σ_pp symmetric
            predictors[pattern] = predictor;
        }

        var z = Vector<double>.Build.Dense(present.Length, i => values[present[i]]);
        var predicted = predictor * z;
        for (var i = 0; i < gap.Length; i++)
        {
            values[gap[i]] = Standardizer.Clip(predicted[i]);
        }
    }

    /// <summary>Encodes records as a set of one-step sequences (ids are positions), labelled by the records; numeric gaps as <paramref name="fill"/> says.</summary>
    /// <param name="records">The records.</param>
    /// <param name="fill">How numeric gaps (NaN) are filled: <see cref="MissingValues.Conditional"/> predicts them, anything else takes the mean.</param>
    /// <exception cref="ArgumentException">The encoding would hold more than <see cref="MaxValues"/> values.</exception>
    public SequenceSet ToSequenceSet(IReadOnlyList<TabularRecord> records, MissingValues fill = MissingValues.Mean)
    {
        var predictors = new Dictionary<string, Matrix<double>>(StringComparer.Ordinal);
        if (TooLarge(records.Count) is { } problem)
        {
            throw new ArgumentException($"The data {problem}.");
        }

        return new(
            Columns,
            [.. records.Select((r, i) => new Sequence(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Encode(r, fill, predictors)))],
            [.. records.Select(r => new SequenceLabel(r.IsAnomaly, r.IsAnomaly ? r.Type.TrimEnd('.') : SequenceLabel.Normal))]);
    }

    /// <summary>Encodes a table read from CSV: ids are the records' line numbers, labels only when the table has them; gaps filled as the table was read (<see cref="TabularTable.Gaps"/>).</summary>
    /// <param name="table">The records and where they came from.</param>
    /// <exception cref="DataFormatException">The encoding would hold more than <see cref="MaxValues"/> values.</exception>
    public SequenceSet ToSequenceSet(TabularTable table)
    {
        if (TooLarge(table.Records.Count) is { } problem)
        {
            throw new DataFormatException(table.Source, null, null, problem);
        }

        var id = (int i) => table.Lines[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var predictors = new Dictionary<string, Matrix<double>>(StringComparer.Ordinal);
        return new SequenceSet(
            Columns,
            [.. table.Records.Select((r, i) => new Sequence(id(i), Encode(r, table.Gaps, predictors)) { Line = table.Lines[i] })],
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
