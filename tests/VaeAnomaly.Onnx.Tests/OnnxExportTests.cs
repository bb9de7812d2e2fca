using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Onnx.Tests;

/// <summary>An exported file scores raw values on its own, as the bundle does; what cannot be exported writes nothing.</summary>
[Collection(TorchCollection.Name)]
public sealed class OnnxExportTests
{
    [Fact]
    public void Write_GruVae_FileScoresRawWindowsAsTheBundleDoes()
    {
        // Given: a bundle, exported
        using var temp = new TempFolder();
        var bundle = OnnxEngineTests.Bundle(temp.Path);
        using var model = DetectorRegistry.Load(bundle);
        var file = Path.Combine(temp.Path, "model.onnx");
        OnnxExport.Write(model, file, replace: false, bundle);

        // When: ONNX Runtime loads the file alone (it checks every node against its operator schema) and scores the raw
        // windows of a series, each ending at one row
        var values = OnnxEngineTests.Waves(100, 2, spikeAt: 60);
        var (window, c) = (8, 3);
        var rows = 100 - window + 1;
        var windows = new float[rows * window * c];
        for (var k = 0; k < rows; k++)
        {
            values.AsSpan(k * c, window * c).CopyTo(windows.AsSpan(k * window * c));
        }

        using var session = new InferenceSession(file);
        using var input = OrtValue.CreateTensorValueFromMemory(windows, [rows, window, c]);
        using var outputs = session.Run(new RunOptions(), ["values"], [input], ["score", "reconstruction"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // Then: each window's score is the bundle's last-mode score of its last row, the threshold is the bundle's, and
        // the reconstruction is in the data's units (near the values, whose channel a sits around 10)
        var request = new PointScoreRequest(PointScoreMode.Last);
        var expected = ((IScoresPoints)model).ScorePoints(OnnxEngineTests.Series(values), request);
        for (var k = 0; k < rows; k++)
        {
            var e = expected.Scores[k + window - 1];
            Assert.True(Math.Abs(e - scores[k]) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"window {k}: bundle {e}, file {scores[k]}");
        }

        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(((IScoresPoints)model).PointThreshold(request), double.Parse(metadata["vae_anomaly.threshold"], CultureInfo.InvariantCulture));
        Assert.Equal("[\"a\",\"b\",\"c\"]", metadata["vae_anomaly.channels"]);
        Assert.Equal("[\"a\",\"b\"]", metadata["vae_anomaly.watched"]);
        var reconstruction = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.InRange(reconstruction.Where((_, i) => i % c == 0).Average(), 7.0, 13.0);
    }

    [Fact]
    public void Write_Range_FileScoresRawRowsAsTheDetectorDoes()
    {
        // Given: a range check watching a and c, exported
        using var temp = new TempFolder();
        using var model = DetectorRegistry.Create("range", new DetectorSettings { TargetColumns = ["a", "c"] })
            .Fit(OnnxEngineTests.Series(OnnxEngineTests.Waves(200, 0)), OnnxEngineTests.Series(OnnxEngineTests.Waves(60, 1)));
        var file = Path.Combine(temp.Path, "range.onnx");
        OnnxExport.Write(model, file, replace: false);

        // When: the file alone scores a series that leaves the range above and below, row by row
        var values = OnnxEngineTests.Excursions();
        using var session = new InferenceSession(file);
        using var input = OrtValue.CreateTensorValueFromMemory(values, [120, 3]);
        using var outputs = session.Run(new RunOptions(), ["values"], [input], ["score"]);

        // Then: the detector's row scores, exactly (both in double precision), some of them above 0
        var expected = ((IScoresPoints)model).ScorePoints(OnnxEngineTests.Series(values), new PointScoreRequest()).Scores;
        Assert.Equal(expected, outputs[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.True(expected[21] > 1 && expected[30] > 1 && expected[71] > 0, "the excursions score");
        Assert.Equal("[\"a\",\"c\"]", session.ModelMetadata.CustomMetadataMap["vae_anomaly.watched"]);
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("knn")]
    [InlineData("iforest")]
    [InlineData("dense-vae")]
    [InlineData("dense-ae")]
    [InlineData("lstm-ae")]
    [InlineData("conv-ae")]
    public void Write_WindowModel_FileScoresRawWindowsAsTheDetectorDoes(string name)
    {
        // Given: a window model of 8-step windows, exported
        using var temp = new TempFolder();
        var settings = name is "pca" or "knn" or "iforest" ? new DetectorSettings { Window = 8 } : new DetectorSettings { Window = 8, Epochs = 2, Seed = 4 };
        using var model = DetectorRegistry.Create(name, settings).Fit(OnnxEngineTests.Series(OnnxEngineTests.Waves(300, 0)), OnnxEngineTests.Series(OnnxEngineTests.Waves(80, 1)));
        var file = Path.Combine(temp.Path, $"{name}.onnx");
        OnnxExport.Write(model, file, replace: false);

        // When: the file alone scores every raw window of a series
        var values = OnnxEngineTests.Excursions();
        var rows = 120 - 8 + 1;
        var windows = new float[rows * 8 * 3];
        for (var k = 0; k < rows; k++)
        {
            values.AsSpan(k * 3, 8 * 3).CopyTo(windows.AsSpan(k * 8 * 3));
        }

        using var session = new InferenceSession(file);
        using var input = OrtValue.CreateTensorValueFromMemory(windows, [rows, 8, 3]);
        using var outputs = session.Run(new RunOptions(), ["values"], [input], ["score"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // Then: each window's score is the detector's last-mode score of its last row, and the threshold is its own
        var request = new PointScoreRequest(PointScoreMode.Last);
        var expected = ((IScoresPoints)model).ScorePoints(OnnxEngineTests.Series(values), request);
        for (var k = 0; k < rows; k++)
        {
            var e = expected.Scores[k + 7];
            Assert.True(Math.Abs(e - scores[k]) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"window {k}: detector {e}, file {scores[k]}");
        }

        Assert.Equal(expected.Threshold, double.Parse(session.ModelMetadata.CustomMetadataMap["vae_anomaly.threshold"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Write_DenseModelOfWholeSequences_FileScoresRawSequencesAsTheDetectorDoes()
    {
        // Given: a dense autoencoder of whole 16-step sequences, exported
        using var temp = new TempFolder();
        using var model = DetectorRegistry.Create("dense-ae", new DetectorSettings { Window = 0, Epochs = 2, Seed = 4 }).Fit(OnnxEngineTests.Sequences(40, 0), OnnxEngineTests.Sequences(12, 100));
        var file = Path.Combine(temp.Path, "dense.onnx");
        OnnxExport.Write(model, file, replace: false);
        var test = OnnxEngineTests.Sequences(20, 50, spikeAt: 5);

        // When: the file alone scores the raw sequences
        using var session = new InferenceSession(file);
        using var input = OrtValue.CreateTensorValueFromMemory(test.Sequences.SelectMany(s => s.Values).ToArray(), [20, 16, 3]);
        using var outputs = session.Run(new RunOptions(), ["values"], [input], ["score"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // Then
        var expected = model.Score(test);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(Math.Abs(expected[i] - scores[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"sequence {i}: detector {expected[i]}, file {scores[i]}");
        }
    }

    [Theory]
    [InlineData("gaussian", null, 12)] // a window of 12 rows
    [InlineData("seasonal", 7, 33)] // 3 periods of 7 and a window of 12
    public void Write_RowDetectorWithHistory_FileScoresEachRowFromTheRowsBeforeIt(string name, int? period, int reads)
    {
        // Given: the model, exported: it reads this many rows before the one it scores
        using var temp = new TempFolder();
        using var model = DetectorRegistry.Create(name, new DetectorSettings { Period = period, Window = 12 }).Fit(OnnxEngineTests.Series(OnnxEngineTests.Waves(300, 0)), OnnxEngineTests.Series(OnnxEngineTests.Waves(80, 1)));
        var file = Path.Combine(temp.Path, $"{name}.onnx");
        OnnxExport.Write(model, file, replace: false);

        // When: the file alone scores every run of that many raw rows and the next of a series
        var values = OnnxEngineTests.Excursions();
        var (width, rows) = (reads + 1, 120 - reads);
        var windows = new float[rows * width * 3];
        for (var k = 0; k < rows; k++)
        {
            values.AsSpan(k * 3, width * 3).CopyTo(windows.AsSpan(k * width * 3));
        }

        using var session = new InferenceSession(file);
        using var input = OrtValue.CreateTensorValueFromMemory(windows, [rows, width, 3]);
        using var outputs = session.Run(new RunOptions(), ["values"], [input], ["score"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // Then: from the first row whose rows before it are all the series' own, the detector's row scores, excursions among them
        var expected = ((IScoresPoints)model).ScorePoints(OnnxEngineTests.Series(values), new PointScoreRequest()).Scores;
        for (var k = 0; k < rows; k++)
        {
            var e = expected[k + reads];
            Assert.True(Math.Abs(e - scores[k]) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"row {k + reads}: detector {e}, file {scores[k]}");
        }

        Assert.Contains(scores, s => s > 3);
    }

    [Fact]
    public void Write_GruVae_UsesStandardOperatorsOfOpset17()
    {
        // Given
        using var temp = new TempFolder();
        using var model = DetectorRegistry.Load(OnnxEngineTests.Bundle(temp.Path));

        // When
        var proto = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model));

        // Then: the default domain only, and the recurrent layers as ONNX GRUs
        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        Assert.All(proto.Graph.Node, n => Assert.Equal("", n.Domain));
        Assert.Equal(4, proto.Graph.Node.Count(n => n.OpType == "GRU"));
    }

    [Theory]
    [InlineData("dense-ae")]
    [InlineData("dense-vae")]
    [InlineData("pca")]
    [InlineData("knn")]
    [InlineData("iforest")]
    public void Write_RecordsModel_FileScoresRawColumnsAsTheBundleDoes(string name)
    {
        // Given: a model of records (two numbers that move together, a text column), saved, loaded and exported
        using var temp = new TempFolder();
        var train = Enumerable.Range(0, 120).Select(i => new TabularRecord([i % 11, (2 * (i % 11)) + (i % 3 * 0.1f)], [i % 3 == 0 ? "udp" : "tcp"], false, SequenceLabel.Normal)).ToArray();
        var encoder = TabularEncoder.Fit(train[..90], ["bytes", "duration"], ["proto"]);
        var settings = name.StartsWith("dense", StringComparison.Ordinal) ? new DetectorSettings { Records = encoder, Epochs = 3, Seed = 1 } : new DetectorSettings { Records = encoder };
        using (var fitted = DetectorRegistry.Create(name, settings).Fit(encoder.ToSequenceSet(train[..90]), encoder.ToSequenceSet(train[90..])))
        {
            fitted.Save(Directory.CreateDirectory(Path.Combine(temp.Path, "b")).FullName);
        }

        using var model = DetectorRegistry.Load(Path.Combine(temp.Path, "b"));
        var file = Path.Combine(temp.Path, "records.onnx");
        OnnxExport.Write(model, file, replace: false);

        // When: ONNX Runtime loads the file alone and scores raw records: usual ones, one far out, one whose bytes are a gap
        // (NaN), one of a protocol training never saw
        TabularRecord[] test =
        [
            new([3, 6.1f], ["tcp"], false, SequenceLabel.Normal),
            new([7, 14.2f], ["udp"], false, SequenceLabel.Normal),
            new([5, 90f], ["tcp"], false, SequenceLabel.Normal),
            new([float.NaN, 8f], ["udp"], false, SequenceLabel.Normal),
            new([2, 4f], ["icmp"], false, SequenceLabel.Normal),
        ];
        using var session = new InferenceSession(file);
        using var numbers = OrtValue.CreateTensorValueFromMemory(test.SelectMany(r => r.Numeric).ToArray(), [test.Length, 2]);
        using var text = OrtValue.CreateFromStringTensor(new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string>(test.Select(r => r.Text[0]).ToArray(), [test.Length, 1]));
        using var outputs = session.Run(new RunOptions(), ["numbers", "text"], [numbers, text], ["score"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // Then: the bundle's scores of the same records encoded by the tool (a gap as the mean), the far-out one highest,
        // and the metadata names each input's columns
        var expected = model.Score(encoder.ToSequenceSet(test));
        for (var k = 0; k < test.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - scores[k]) <= 1e-4 * Math.Max(1, Math.Abs(expected[k])), $"record {k}: bundle {expected[k]}, file {scores[k]}");
        }

        if (name == "iforest")
        {
            // An isolation forest's cuts lie within the training range, so a record far out in one column ranks above the
            // usual ones but need not rank above the one off the two numbers' line (the gap filled with the mean)
            Assert.True(scores[2] > Math.Max(scores[0], scores[1]), $"far out {scores[2]}, usual {scores[0]} and {scores[1]}");
        }
        else
        {
            Assert.Equal(2, Array.IndexOf(scores, scores.Max()));
        }

        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("records", metadata["vae_anomaly.input"]);
        Assert.Equal("[\"bytes\",\"duration\"]", metadata["vae_anomaly.numeric_columns"]);
        Assert.Equal("[\"proto\"]", metadata["vae_anomaly.text_columns"]);
        Assert.Equal(model.Thresholds.Value(), double.Parse(metadata["vae_anomaly.threshold"], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Write_RecordsOfOneKindOfColumn_FileHasOnlyThatInput(bool numbersOnly)
    {
        // Given: a pca of records with numbers only, or text only
        using var temp = new TempFolder();
        var train = Enumerable.Range(0, 60).Select(i => numbersOnly
            ? new TabularRecord([i % 7, i % 5], [], false, SequenceLabel.Normal)
            : new TabularRecord([], [i % 3 == 0 ? "udp" : "tcp", i % 2 == 0 ? "GET" : "PUT"], false, SequenceLabel.Normal)).ToArray();
        var encoder = numbersOnly ? TabularEncoder.Fit(train, ["a", "b"], []) : TabularEncoder.Fit(train, [], ["proto", "verb"]);
        using var model = DetectorRegistry.Create("pca", new DetectorSettings { Records = encoder }).Fit(encoder.ToSequenceSet(train[..45]), encoder.ToSequenceSet(train[45..]));
        var file = Path.Combine(temp.Path, "records.onnx");
        OnnxExport.Write(model, file, replace: false);

        // When: the file scores three records, the last unusual
        TabularRecord[] test = numbersOnly
            ? [new([3, 2], [], false, SequenceLabel.Normal), new([float.NaN, 4], [], false, SequenceLabel.Normal), new([40, 1], [], false, SequenceLabel.Normal)]
            : [new([], ["tcp", "GET"], false, SequenceLabel.Normal), new([], ["udp", "PUT"], false, SequenceLabel.Normal), new([], ["icmp", "GET"], false, SequenceLabel.Normal)];
        using var session = new InferenceSession(file);
        using var input = numbersOnly
            ? OrtValue.CreateTensorValueFromMemory(test.SelectMany(r => r.Numeric).ToArray(), [3, 2])
            : OrtValue.CreateFromStringTensor(new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string>(test.SelectMany(r => r.Text).ToArray(), [3, 2]));
        using var outputs = session.Run(new RunOptions(), [numbersOnly ? "numbers" : "text"], [input], ["score"]);

        // Then: one input, and the bundle's scores
        Assert.Equal([numbersOnly ? "numbers" : "text"], session.InputMetadata.Keys);
        var expected = model.Score(encoder.ToSequenceSet(test));
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.All(expected.Zip(scores), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4 * Math.Max(1, Math.Abs(p.First)), $"bundle {p.First}, file {p.Second}"));
    }

    [Fact]
    public void Write_IntoAMissingFolder_RefusesAndWritesNothing()
    {
        // Given
        using var temp = new TempFolder();
        using var model = DetectorRegistry.Load(OnnxEngineTests.Bundle(temp.Path));
        var file = Path.Combine(temp.Path, "missing", "model.onnx");

        // When
        var e = Assert.Throws<IOException>(() => OnnxExport.Write(model, file, replace: false));

        // Then
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "missing")));
    }

    [Fact]
    public void Write_OverAUsersFileWithReplace_KeepsTheFile_AndReplacesItsOwnExport()
    {
        // Given: a user's file and an earlier export
        using var temp = new TempFolder();
        using var model = DetectorRegistry.Load(OnnxEngineTests.Bundle(temp.Path));
        var users = Path.Combine(temp.Path, "notes.onnx");
        File.WriteAllText(users, "my notes");
        var ours = Path.Combine(temp.Path, "model.onnx");
        OnnxExport.Write(model, ours, replace: false);

        // When
        var e = Assert.Throws<IOException>(() => OnnxExport.Write(model, users, replace: true));
        OnnxExport.Write(model, ours, replace: true);

        // Then
        Assert.Contains("not written by vae-anomaly", e.Message, StringComparison.Ordinal);
        Assert.Equal("my notes", File.ReadAllText(users));
        Assert.Equal(OnnxExport.ToBytes(model), File.ReadAllBytes(ours));
    }
}
