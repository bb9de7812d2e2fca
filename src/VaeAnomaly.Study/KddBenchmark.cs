using VaeAnomaly.Data;

namespace VaeAnomaly.Study;

/// <summary>
/// The KDD Cup 99 benchmark: the dense VAE and the dense autoencoder trained on the training normals of
/// <see cref="KddCup99.Split"/>, thresholds fitted on the validation normals, measured on the test split; beside them
/// pca, knn and iforest of the same encoded records, the simple references every benchmark here prints.
/// </summary>
public static class KddBenchmark
{
    /// <summary>The models compared, by name.</summary>
    public static IReadOnlyList<string> Models => ["dense-vae", "dense-ae", "pca", "knn", "iforest"];

    /// <summary>Runs the benchmark.</summary>
    /// <param name="path">The KDD Cup 99 file.</param>
    /// <param name="subset">SA or full.</param>
    /// <param name="seed">Seed of the split, the attack draw and the models.</param>
    /// <param name="epochs">Largest number of epochs per model (early stopping on validation loss).</param>
    /// <param name="log">Receives progress lines.</param>
    /// <param name="ct">Stops training between batches.</param>
    public static KddBenchmarkResult Run(string path, KddSubset subset, int seed, int epochs = 40, IProgress<string>? log = null, CancellationToken ct = default)
    {
        var records = KddCup99.Read(path);
        var (train, validation, test) = KddCup99.Split(records, subset, seed);
        var encoder = TabularEncoder.Fit(train, KddCup99.NumericNames, KddCup99.TextNames);
        var (trainSet, validationSet, testSet) = (encoder.ToSequenceSet(train), encoder.ToSequenceSet(validation), encoder.ToSequenceSet(test));
        var labels = test.Select(r => r.IsAnomaly).ToArray();
        log?.Report($"{records.Count} records; train {train.Count} / validation {validation.Count} normal; test {test.Count} ({labels.Count(l => l)} attacks); {encoder.Columns.Count} inputs.");

        var results = RecordsComparison.Run(Models, (trainSet, validationSet, testSet), labels, encoder, seed, epochs, log, ct);
        return new KddBenchmarkResult(subset, seed, train.Count, validation.Count, test.Count, labels, results);
    }
}
