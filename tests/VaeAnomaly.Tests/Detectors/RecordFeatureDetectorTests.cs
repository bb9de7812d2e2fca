using System.Text.Json.Nodes;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Persistence;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>pca and knn fitted on CSV records: known answers on encoded records, bundles that read records again.</summary>
[Collection(TorchCollection.Name)]
public sealed class RecordFeatureDetectorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Records of one number, -1 and 1 alternating, and one text column; labelled normal.</summary>
    private static TabularRecord[] Records(int n) =>
        [.. Enumerable.Range(0, n).Select(i => new TabularRecord([i % 2 == 0 ? -1f : 1f], [i % 2 == 0 ? "tcp" : "udp"], false, SequenceLabel.Normal))];

    private static (SequenceSet Train, SequenceSet Validation, TabularEncoder Encoder) Encoded(int n)
    {
        var records = Records(n);
        var encoder = TabularEncoder.Fit(records, ["x"], ["proto"]);
        return (encoder.ToSequenceSet(records), encoder.ToSequenceSet(records[..10]), encoder);
    }

    [Fact]
    public void Knn_OfRecords_ScoresARecordByItsMeanSquaredDistanceToTheNearestFiveEncodedRecords()
    {
        // Given: x = -1, 1 alternating has mean 0 and spread 1, so the encoder leaves it as it is; proto is one-hot (tcp, udp)
        var (train, validation, encoder) = Encoded(40);
        using var knn = DetectorRegistry.Create("knn", new DetectorSettings { Records = encoder }).Fit(train, validation);

        // When: x = 3 with tcp, encoded (3, 1, 0): a tcp record (-1, 1, 0) is 16 away, a udp record (1, 0, 1) 4 + 1 + 1 = 6
        var far = encoder.ToSequenceSet([new TabularRecord([3f], ["tcp"], false, SequenceLabel.Normal), new TabularRecord([1f], ["udp"], false, SequenceLabel.Normal)]);
        var scores = knn.Score(far);

        // Then: the nearest five are udp records, a mean over the 3 inputs of 6 / 3; a record seen in training scores 0
        var records = Assert.IsType<RecordFeatureDetector>(knn);
        Assert.Same(encoder, records.Encoder);
        Assert.False(knn is IScoresPoints, "a model of records must never take the series path");
        Assert.Equal(2.0, scores[0], 4);
        Assert.Equal(0.0, scores[1], 6);
    }

    [Fact]
    public void Knn_OfRecords_Explain_SharesTheErrorByCsvColumn_TheOneHotInputsTogether()
    {
        // Given: the far record of the test above, (3, 1, 0), against its nearest records (1, 0, 1): errors 4 in x, and
        // 1 and 1 in the two one-hot inputs of proto
        var (train, validation, encoder) = Encoded(40);
        using var knn = DetectorRegistry.Create("knn", new DetectorSettings { Records = encoder }).Fit(train, validation);

        // When
        var explained = ((IExplainsInputs)knn).Explain(encoder.ToSequenceSet([new TabularRecord([3f], ["tcp"], false, SequenceLabel.Normal)]));

        // Then: x holds 4 of 6, proto 2 of 6
        var shares = Assert.Single(explained).ChannelShares;
        Assert.Equal(["x", "proto"], shares.Select(s => s.Key));
        Assert.Equal(4.0 / 6, shares[0].Value, 5);
        Assert.Equal(2.0 / 6, shares[1].Value, 5);
    }

    [Fact]
    public void Pca_OfRecords_ScoresARecordOffTheTrainingLineByItsSquaredDistance()
    {
        // Given: in training x = -1 always comes with tcp and x = 1 with udp, so the encoded records (x, tcp, udp) are
        // (-1, 1, 0) and (1, 0, 1): one line through their mean (0, 0.5, 0.5), along (2, -1, 1), keeps all the variance
        var (train, validation, encoder) = Encoded(40);
        using var pca = DetectorRegistry.Create("pca", new DetectorSettings { Records = encoder }).Fit(train, validation);

        // When: x = 1 with tcp, (1, 1, 0), off the mean by (1, 0.5, -0.5), whose part along the line is (2, -1, 1) / 6
        var scores = pca.Score(encoder.ToSequenceSet([new TabularRecord([1f], ["tcp"], false, SequenceLabel.Normal), new TabularRecord([-1f], ["tcp"], false, SequenceLabel.Normal)]));

        // Then: the rest, (2, 2, -2) / 3, is the error: 12 / 9 over 3 inputs; a training record is on the line
        Assert.Equal(4.0 / 9, scores[0], 4);
        Assert.Equal(0.0, scores[1], 4);
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("knn")]
    public void SaveThenLoad_OfRecords_KeepsTheEncoderAndTheScores(string name)
    {
        // Given
        var (train, validation, encoder) = Encoded(40);
        using var fitted = DetectorRegistry.Create(name, new DetectorSettings { Records = encoder }).Fit(train, validation);
        Directory.CreateDirectory(dir.File(name));
        fitted.Save(dir.File(name));
        var test = encoder.ToSequenceSet([new TabularRecord([3f], ["udp"], false, SequenceLabel.Normal), new TabularRecord([0.5f], ["tcp"], false, SequenceLabel.Normal)]);

        // When
        using var loaded = DetectorRegistry.Load(dir.File(name));

        // Then
        var records = Assert.IsType<RecordFeatureDetector>(loaded);
        Assert.Equal(encoder.Columns, records.Encoder!.Columns);
        Assert.Equal(encoder.Mean, records.Encoder.Mean);
        Assert.Equal(fitted.Score(test), loaded.Score(test));
        Assert.Equal(fitted.Thresholds.ValueOrNaN(), loaded.Thresholds.ValueOrNaN());
    }

    [Fact]
    public void Load_OfRecords_AnEncoderOfOtherColumnsOrValues_OrAnotherNeighbourCount_IsRefusedNamingTheBundle()
    {
        // Given: copies of a bundle: in one the encoder's text values were renamed, so it no longer makes the model's
        // inputs (proto=tcp, proto=udp); in another its numbers' spread is negative; in the third it claims 7 neighbours
        var (train, validation, encoder) = Encoded(40);
        using var fitted = DetectorRegistry.Create("knn", new DetectorSettings { Records = encoder }).Fit(train, validation);
        string Tampered(string name, Action<JsonNode> change)
        {
            Directory.CreateDirectory(dir.File(name));
            fitted.Save(dir.File(name));
            var path = Path.Combine(dir.File(name), DetectorBundle.ManifestFile);
            var manifest = JsonNode.Parse(File.ReadAllText(path))!;
            change(manifest);
            File.WriteAllText(path, manifest.ToJsonString());
            return dir.File(name);
        }

        var renamed = Tampered("renamed", m => m["encoder"]!["categories"] = new JsonArray(new JsonArray("icmp", "udp")));
        var negative = Tampered("negative", m => m["encoder"]!["std"] = new JsonArray(-1.0));
        var neighbours = Tampered("neighbours", m => m["parameters"]!["neighbours"] = 7);

        // When
        var columns = Assert.Throws<BundleException>(() => DetectorRegistry.Load(renamed));
        var spread = Assert.Throws<BundleException>(() => DetectorRegistry.Load(negative));
        var count = Assert.Throws<BundleException>(() => DetectorRegistry.Load(neighbours));

        // Then
        Assert.Contains(renamed, columns.Message);
        Assert.Contains("a model of records reads windows of 1 step of every encoded column", columns.Message);
        Assert.Contains(negative, spread.Message);
        Assert.Contains("'encoder.std[0]' must be a finite number above 0", spread.Message);
        Assert.Contains("parameters.neighbours is 7; this version's k-NN averages the 5 nearest windows", count.Message);
    }

    [Theory]
    [InlineData("window")]
    [InlineData("target-columns")]
    public void Create_OfRecordsWithAWindowOrWatchedColumns_IsRefusedWithTheReason(string setting)
    {
        var encoder = Encoded(20).Encoder;
        var settings = setting == "window" ? new DetectorSettings { Records = encoder, Window = 4 } : new DetectorSettings { Records = encoder, TargetColumns = ["x"] };

        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("knn", settings));

        Assert.Contains(setting == "window" ? "records have none" : "a model of records measures every input", error.Message);
    }
}
