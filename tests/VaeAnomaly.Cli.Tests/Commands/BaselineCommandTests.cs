using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>train</c>, <c>score</c> and <c>evaluate</c> with the baseline models, on sequences and on CSV records.</summary>
[Collection(TorchCollection.Name)]
public sealed class BaselineCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private async Task<string> Data()
    {
        var data = dir.File("data");
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic", "--out", data, "--train", "60", "--val", "40", "--test", "30", "--channels", "3", "--min-length", "40", "--max-length", "60", "--seed", "4");
        Assert.True(exit == 0, text);
        return data;
    }

    /// <summary>Normal records around a line (x, 2x, category a or b), every tenth an outlier labelled 'attack'.</summary>
    private string Records()
    {
        var rng = new Random(9);
        var lines = new List<string> { "id,x,y,kind,label" };
        for (var i = 0; i < 300; i++)
        {
            var x = rng.NextDouble();
            var attack = i % 10 == 0;
            var y = attack ? 5 + rng.NextDouble() : (2 * x) + (0.05 * rng.NextDouble());
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{i},{x:F4},{y:F4},{(i % 3 == 0 ? "a" : "b")},{(attack ? "attack" : "normal")}"));
        }

        File.WriteAllLines(dir.File("records.csv"), lines);
        return dir.File("records.csv");
    }

    [Theory]
    [InlineData("lstm-ae", "v1")]
    [InlineData("conv-ae", "v2")]
    [InlineData("dense-vae", null)]
    public async Task TrainThenScore_SequenceBaseline_WritesBundleAndOneFlaggedRowPerSequence(string model, string? variant)
    {
        // Given
        var data = await Data();
        string[] args = ["train", "--data", data, "--model", model, "--epochs", "2", "--window", "16", "--out", dir.File("b"), "--seed", "3"];

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync(variant is null ? args : [.. args, "--variant", variant]);
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", Path.Combine(data, "test.csv"), "--out", dir.File("s.csv"), "--top", "2");

        // Then
        Assert.True(trainExit == 0, trainText);
        Assert.True(scoreExit == 0, scoreText);
        using var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("b/model.json")));
        Assert.Equal(model, manifest.RootElement.GetProperty("model").GetString());
        Assert.Equal(16, manifest.RootElement.GetProperty("length").GetInt32());
        Assert.Equal(variant == "v2" ? 0.2 : 0, manifest.RootElement.GetProperty("options").GetProperty("dropout").GetDouble());
        var threshold = manifest.RootElement.GetProperty("thresholds").GetProperty("quantile").GetDouble();
        var rows = File.ReadAllLines(dir.File("s.csv"));
        Assert.Equal("sequence_id,label,anomaly_type,score,threshold,flag", rows[0]);
        Assert.Equal(30, rows.Length - 1);
        Assert.All(rows.Skip(1).Select(r => r.Split(',')), cells =>
            Assert.Equal(double.Parse(cells[3], CultureInfo.InvariantCulture) > threshold ? "1" : "0", cells[5]));
        Assert.Contains("Against the labels: AUC-ROC", scoreText);
        Assert.Contains($"top 2 by {model} score", scoreText);

        // evaluate: the same decisions as score's flags, in the GRU-VAE's metrics.json schema, and a report
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("b"), "--data", data, "--out", dir.File("eval"));
        Assert.True(evalExit == 0, evalText);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json")));
        var confusion = metrics.RootElement.GetProperty("reconstruction").GetProperty("threshold").GetProperty("confusion");
        var flagged = rows.Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(flagged.Count(c => c[1] == "1" && c[5] == "1"), confusion.GetProperty("tp").GetInt32());
        Assert.Equal(flagged.Count(c => c[1] == "0" && c[5] == "1"), confusion.GetProperty("fp").GetInt32());
        Assert.Equal(flagged.Count(c => c[1] == "1"), confusion.GetProperty("tp").GetInt32() + confusion.GetProperty("fn").GetInt32());
        Assert.Equal(flagged.Count(c => c[1] == "1") / 30.0, metrics.RootElement.GetProperty("random").GetProperty("auc_pr").GetDouble(), 6);
        Assert.Contains($"Model: <b>{model}</b>", File.ReadAllText(dir.File("eval/report.html")), StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("eval/pr.png")));
    }

    [Fact]
    public async Task TrainThenScore_Records_LearnsFromNormalsAndFindsTheOutliers()
    {
        // Given
        var records = Records();

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", records, "--records", "--model", "dense-ae", "--label-column", "label",
            "--columns", "x,y,kind", "--epochs", "60", "--out", dir.File("b"), "--seed", "1");
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", records, "--label-column", "label", "--out", dir.File("s.csv"));

        // Then: 270 normal records, a fifth held out; the outliers far from the line score highest
        Assert.True(trainExit == 0, trainText);
        Assert.Contains("216 train and 54 validate, 30 labelled anomalous left out", trainText);
        Assert.True(scoreExit == 0, scoreText);
        var rows = File.ReadAllLines(dir.File("s.csv")).Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(300, rows.Length);
        Assert.Equal("2", rows[0][0]); // ids are the file's line numbers
        Assert.Equal(["attack", "1"], [rows[0][2], rows[0][1]]);
        var ranked = rows.OrderByDescending(r => double.Parse(r[3], CultureInfo.InvariantCulture)).Take(30);
        Assert.All(ranked, r => Assert.Equal("1", r[1]));
        Assert.Contains("AUC-ROC 1.000", scoreText);

        // evaluate on the records: the outliers rank first, reported by their label
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("b"), "--data", records, "--label-column", "label", "--out", dir.File("eval"));
        var (unlabelledExit, unlabelledText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("b"), "--data", records, "--out", dir.File("none"));
        Assert.True(evalExit == 0, evalText);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json")));
        var reconstruction = metrics.RootElement.GetProperty("reconstruction");
        Assert.Equal(1.0, reconstruction.GetProperty("auc_roc").GetDouble(), 9);
        Assert.Equal(30, reconstruction.GetProperty("by_type").GetProperty("attack").GetProperty("count").GetInt32());
        Assert.Contains("300 records", File.ReadAllText(dir.File("eval/report.html")), StringComparison.Ordinal);
        Assert.Equal(1, unlabelledExit);
        Assert.Contains("Evaluating records needs their labels", unlabelledText);
        Assert.False(Directory.Exists(dir.File("none")));
    }

    [Fact]
    public async Task Train_IsolationForest_TheSameSeedWritesTheSameTrees_AnotherSeedOthers()
    {
        // Given
        var records = Records();
        async Task<byte[]> Trees(string seed, string name)
        {
            var (exit, text) = await CliRunner.RunAsync("train", "--data", records, "--records", "--model", "iforest", "--label-column", "label", "--columns", "x,y,kind", "--out", dir.File(name), "--seed", seed);
            Assert.True(exit == 0, text);
            return File.ReadAllBytes(Path.Combine(dir.File(name), "model.weights"));
        }

        // When
        var (first, again, other) = (await Trees("5", "a"), await Trees("5", "b"), await Trees("6", "c"));

        // Then
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData("pca", 1.0)]
    [InlineData("knn", 1.0)]
    [InlineData("iforest", 0.9)] // axis-parallel cuts: a normal record at an end of the line is isolated about as fast as an outlier above its middle
    public async Task TrainScoreEvaluateExport_RecordsWithASimpleDetector_FindsTheOutliersAndRefusesTheGraph(string model, double leastAucRoc)
    {
        // Given: the records above: normals on the line y = 2x, the outliers far above it
        var records = Records();

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", records, "--records", "--model", model, "--label-column", "label",
            "--columns", "x,y,kind", "--out", dir.File("b"), "--seed", "1");
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", records, "--label-column", "label", "--out", dir.File("s.csv"));
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("b"), "--data", records, "--label-column", "label", "--out", dir.File("eval"));
        var (exportExit, exportText) = await CliRunner.RunAsync("export", "--model", dir.File("b"), "--out", dir.File("b.onnx"));
        var (windowExit, windowText) = await CliRunner.RunAsync("train", "--data", records, "--records", "--model", model, "--window", "4", "--out", dir.File("w"));
        var (followExit, followText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", records, "--follow", "--out", dir.File("f.csv"));

        // Then: records in, one score per record out, the 30 outliers first (by pca and knn; ranked high by iforest)
        Assert.True(trainExit == 0, trainText);
        Assert.Contains("216 train and 54 validate, 30 labelled anomalous left out", trainText);
        Assert.True(scoreExit == 0, scoreText);
        var rows = File.ReadAllLines(dir.File("s.csv")).Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(300, rows.Length);
        if (leastAucRoc == 1.0)
        {
            Assert.All(rows.OrderByDescending(r => double.Parse(r[3], CultureInfo.InvariantCulture)).Take(30), r => Assert.Equal("1", r[1]));
        }

        Assert.True(evalExit == 0, evalText);
        using var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json")));
        var aucRoc = metrics.RootElement.GetProperty("reconstruction").GetProperty("auc_roc").GetDouble();
        Assert.True(aucRoc >= leastAucRoc - 1e-9, $"{model}: AUC-ROC {aucRoc}");
        var measures = model switch
        {
            "knn" => "its score is the mean squared distance to the 5 nearest training inputs",
            "iforest" => "its score is the isolation score",
            _ => "its score is the reconstruction error",
        };
        Assert.Contains(measures, File.ReadAllText(dir.File("eval/report.html")), StringComparison.Ordinal); // what the score measures, not a reconstruction for knn or iforest
        Assert.True(exportExit == 0, exportText); // the encoder is the graph's first nodes (refused until 2026-12-07)
        Assert.Contains("input 'numbers' of raw numbers", CliRunner.Collapse(exportText));
        Assert.True(File.Exists(dir.File("b.onnx")));
        Assert.Equal(1, windowExit);
        Assert.Contains("records have none", CliRunner.Collapse(windowText));
        Assert.False(Directory.Exists(dir.File("w")));
        Assert.Equal(1, followExit);
        Assert.Contains($"This {model} was trained on records (--records): it scores a file of records", CliRunner.Collapse(followText));
        Assert.DoesNotContain("keep learning", followText);
        Assert.False(File.Exists(dir.File("f.csv")));
    }

    [Theory]
    [InlineData("lstm-ae", "--beta", "2", "--beta does not apply to lstm-ae (it applies to dense-vae, gru-vae); lstm-ae takes variant, epochs")]
    [InlineData("conv-ae", "--kl-warmup", "3", "--kl-warmup does not apply to conv-ae (it applies to gru-vae)")]
    [InlineData("conv-ae", "--window", "30", "must be a multiple of 4")]
    [InlineData("lstm-ae", "--window", "0", "works with the dense models")]
    [InlineData("dense-vae", "--variant", "v2", "dense-vae has one version")]
    [InlineData("dense-ae", "--resume", null, "Checkpoints (--resume, --checkpoint) are kept for gru-vae")]
    public async Task Train_OptionThatDoesNotApply_IsRefusedBeforeAnyWork(string model, string option, string? value, string expected)
    {
        var data = await Data();
        string[] args = ["train", "--data", data, "--model", model, "--out", dir.File("b"), option];

        var (exit, text) = await CliRunner.RunAsync(value is null ? args : [.. args, value]);

        Assert.Equal(1, exit);
        Assert.Contains(expected, text);
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Fact]
    public async Task TrainThenScore_RecordsOfTextColumnsOnly_ScoresEachRecord()
    {
        // Given: records with no numeric column, the one rare combination of values the outlier (training failed on such a file)
        var lines = new List<string> { "proto,service,label" };
        lines.AddRange(Enumerable.Range(0, 200).Select(i => i == 7 ? "udp,http,attack" : i % 2 == 0 ? "tcp,http,normal" : "udp,dns,normal"));
        File.WriteAllLines(dir.File("text.csv"), lines);

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", dir.File("text.csv"), "--records", "--model", "knn", "--label-column", "label", "--out", dir.File("b"));
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", dir.File("text.csv"), "--label-column", "label", "--out", dir.File("s.csv"));

        // Then: 4 one-hot inputs; the unseen combination scores above every normal record
        Assert.True(trainExit == 0, trainText);
        Assert.Contains("0 numeric, 2 text columns -> 4 inputs", trainText);
        Assert.True(scoreExit == 0, scoreText);
        var rows = File.ReadAllLines(dir.File("s.csv")).Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal("attack", rows.MaxBy(r => double.Parse(r[3], CultureInfo.InvariantCulture))![2]);
    }

    [Fact]
    public async Task TrainAndScore_RecordsWithAnEmptyNumber_RefusedSayingHowToFillIt()
    {
        // Given: the records with x left empty on line 6, for training and for scoring
        var lines = File.ReadAllLines(Records());
        lines[5] = string.Join(',', lines[5].Split(',').Select((f, k) => k == 1 ? "" : f));
        File.WriteAllLines(dir.File("gap.csv"), lines);
        var (trained, trainText) = await CliRunner.RunAsync("train", "--data", Records(), "--records", "--model", "pca", "--label-column", "label", "--out", dir.File("b"));
        Assert.True(trained == 0, trainText);

        // When
        var (trainExit, refusedTrain) = await CliRunner.RunAsync("train", "--data", dir.File("gap.csv"), "--records", "--model", "pca", "--label-column", "label", "--out", dir.File("b2"));
        var (scoreExit, refusedScore) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("gap.csv"), "--out", dir.File("scores.csv"));

        // Then: each names the cell and the fills --missing offers, where it once said only that a record needs every value, or found ''
        Assert.Equal((1, 1), (trainExit, scoreExit));
        Assert.Contains("gap.csv:6: column 'x': is empty; expected a number, as the column's other records hold (use --missing conditional", CliRunner.Collapse(refusedTrain));
        Assert.Contains("gap.csv:6: column 'x': is empty; expected a number, as in the training data (use --missing conditional", CliRunner.Collapse(refusedScore));
        Assert.Contains("--missing drop to leave the record out", CliRunner.Collapse(refusedScore));
        Assert.False(Directory.Exists(dir.File("b2")) || File.Exists(dir.File("scores.csv")));
    }

    [Fact]
    public async Task Train_RecordsWithASequenceModel_IsRefused()
    {
        var (exit, text) = await CliRunner.RunAsync("train", "--data", Records(), "--records", "--model", "lstm-ae", "--out", dir.File("b"));

        Assert.Equal(1, exit);
        Assert.Contains("--records does not apply to lstm-ae (it applies to dense-ae, dense-vae, pca, knn, iforest)", text);
    }

    [Fact]
    public async Task Score_BaselineBundleWithAGruVaeScoreOrMissingColumn_IsRefusedAndWritesNothing()
    {
        // Given
        var records = Records();
        var (exit, text) = await CliRunner.RunAsync("train", "--data", records, "--records", "--model", "dense-vae", "--label-column", "label", "--epochs", "2", "--out", dir.File("b"));
        Assert.True(exit == 0, text);
        File.WriteAllLines(dir.File("other.csv"), ["id,x,kind", "1,0.5,a"]);

        // When
        var (kindExit, kindText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", records, "--score", "kl", "--out", dir.File("s.csv"));
        var (columnExit, columnText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", dir.File("other.csv"), "--out", dir.File("s.csv"));

        // Then
        Assert.Equal(1, kindExit);
        Assert.Contains("a dense-vae bundle has one score", kindText);
        Assert.Equal(1, columnExit);
        Assert.Contains("other.csv:1: column 'y': is not in the header", columnText);
        Assert.False(File.Exists(dir.File("s.csv")));
    }
}
