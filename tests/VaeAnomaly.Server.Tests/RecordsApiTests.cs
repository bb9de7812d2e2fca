using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Server.Tests;

/// <summary>Models of records (and of whole sequences) through <c>POST /v1/score</c>: each record answered by its line, as <c>score</c> scores a file.</summary>
[Collection(ServiceCollection.Name)]
public sealed class RecordsApiTests(ServedModelsFixture fixture)
{
    /// <summary>
    /// A models folder: <c>net</c>, a dense autoencoder of records (bytes, duration, proto) fitted on 200 records where
    /// duration is about bytes / 100 and proto is tcp or udp; <c>near</c>, a knn of the same records; and <c>whole</c>, one
    /// of whole sequences of 20 rows of a sine.
    /// </summary>
    private static void Fit(string root)
    {
        Directory.CreateDirectory(root);
        var train = Path.Combine(root, "train.csv");
        var text = new StringBuilder("bytes,duration,proto\n");
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var bytes = 500 + random.Next(1000);
            text.Append(CultureInfo.InvariantCulture, $"{bytes},{(bytes / 100.0) + random.NextDouble():F3},{(i % 3 == 0 ? "udp" : "tcp")}\n");
        }

        File.WriteAllText(train, text.ToString());
        var table = TabularCsvReader.Read(train);
        var encoder = TabularEncoder.Fit(table.Records, table.NumericNames, table.TextNames);
        var settings = new DetectorSettings { Seed = 3, Epochs = 30, Records = encoder };
        using (var net = DetectorRegistry.Create("dense-ae", settings).Fit(encoder.ToSequenceSet(table.Records.Take(160).ToList()), encoder.ToSequenceSet(table.Records.Skip(160).ToList())))
        {
            net.Save(Directory.CreateDirectory(Path.Combine(root, "models", "net")).FullName);
        }

        using (var near = DetectorRegistry.Create("knn", new DetectorSettings { Records = encoder }).Fit(encoder.ToSequenceSet(table.Records.Take(160).ToList()), encoder.ToSequenceSet(table.Records.Skip(160).ToList())))
        {
            near.Save(Directory.CreateDirectory(Path.Combine(root, "models", "near")).FullName);
        }

        SequenceSet Sines(int count, int offset) => new(["value"], [.. Enumerable.Range(0, count).Select(k => new Sequence($"s{k}", ServedModelsFixture.Wave(20, (k + offset) * 0.3)))]);
        using (var whole = DetectorRegistry.Create("dense-ae", new DetectorSettings { Seed = 3, Epochs = 5, Window = 0 }).Fit(Sines(40, 0), Sines(10, 40)))
        {
            whole.Save(Directory.CreateDirectory(Path.Combine(root, "models", "whole")).FullName);
        }
    }

    private string ModelsFolder => Path.Combine(fixture.Made("records", Fit), "models");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpClient client, string path, string csv)
    {
        using var response = await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    /// <summary>Four records, columns in another order with a label column the models do not read; the third far out of the training relation, the fourth of a protocol training never saw.</summary>
    private const string FourRecords = "proto,label,duration,bytes\ntcp,normal,8.1,760\nudp,normal,12.3,1190\ntcp,attack,0.1,99000\nicmp,normal,6.4,590\n";

    /// <summary>What the library scores the records of <paramref name="body"/> with the served model <paramref name="model"/>, and its threshold.</summary>
    private async Task<(float[] Scores, double Threshold)> LibraryScores(string model, string body)
    {
        var file = Path.Combine(fixture.Root, $"records-{model}.csv");
        await File.WriteAllTextAsync(file, body);
        using var detector = DetectorRegistry.Load(Path.Combine(ModelsFolder, model));
        var encoder = ((IReadsRecords)detector).Encoder!;
        return (detector.Score(encoder.ToSequenceSet(TabularCsvReader.Read(file, encoder))), detector.Thresholds.Value());
    }

    [Fact]
    public async Task Score_RecordsInTheBody_AreAnsweredByLineWithTheScoresOfScore_AndTheUnseenCounted()
    {
        // Given: four records, columns in another order with a label column the model does not read; the third far out
        // of the training relation, the fourth of a protocol training never saw
        const string body = FourRecords;
        var (expected, threshold) = await LibraryScores("net", body);

        // When
        await using var app = fixture.Start(models: ModelsFolder);
        var client = app.GetTestClient();
        var (status, answer) = await Post(client, "/v1/score?model=net", body);
        var metrics = await client.GetStringAsync("/metrics");

        // Then: one result per record, by its line in the body, with the library's score and the flag of the threshold
        Assert.Equal(HttpStatusCode.OK, status);
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([2, 3, 4, 5], results.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal(expected, results.Select(r => r.GetProperty("score").GetSingle()));
        Assert.Equal(threshold, answer.GetProperty("threshold").GetDouble());
        Assert.Equal(expected.Select(s => s > threshold), results.Select(r => r.GetProperty("flag").GetBoolean()));
        Assert.True(results[2].GetProperty("flag").GetBoolean(), "the record far out of the training relation is flagged");
        Assert.False(results[0].GetProperty("flag").GetBoolean(), "a record like the training ones is not");
        Assert.Equal(1, answer.GetProperty("unseen").GetInt32());
        Assert.Equal("bytes", results[2].GetProperty("columns")[0].GetProperty("column").GetString()); // the far-out column explains it
        Assert.False(results[0].TryGetProperty("columns", out _)); // an unflagged record is not explained
        Assert.Contains("vae_anomaly_records_scored_total{model=\"net\"} 4", metrics);
    }

    [Fact]
    public async Task Score_RecordsWithGaps_AreRefusedWithTheQuerysFills_FilledAsTheLibraryFills_OrLeftOut()
    {
        // Given: the four records with a gap in two of them (written as pandas and R write one), and the library's scores
        // of the body with the gaps predicted
        const string body = "proto,label,duration,bytes\ntcp,normal,,760\nudp,normal,12.3,NA\ntcp,attack,0.1,99000\nicmp,normal,6.4,590\n";
        var file = Path.Combine(fixture.Root, "records-gaps.csv");
        await File.WriteAllTextAsync(file, body);
        using var detector = DetectorRegistry.Load(Path.Combine(ModelsFolder, "net"));
        var encoder = ((IReadsRecords)detector).Encoder!;
        var expected = detector.Score(encoder.ToSequenceSet(TabularCsvReader.Read(file, encoder, missing: MissingValues.Conditional)));

        // When
        await using var app = fixture.Start(models: ModelsFolder);
        var client = app.GetTestClient();
        var (refused, refusal) = await Post(client, "/v1/score?model=net", body);
        var (ordered, orderedRefusal) = await Post(client, "/v1/score?model=net&missing=ffill", body);
        var (filled, answer) = await Post(client, "/v1/score?model=net&missing=conditional", body);
        var (dropped, droppedAnswer) = await Post(client, "/v1/score?model=net&missing=drop", body);

        // Then: the refusal names the line and column and the query's fills, not the command line's option
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        var error = refusal.GetProperty("error").GetString()!;
        Assert.Contains("2: column 'duration': is empty", error);
        Assert.Contains("missing=conditional", error);
        Assert.DoesNotContain("--missing", error);
        Assert.Equal(HttpStatusCode.BadRequest, ordered);
        Assert.Contains("records have no order", orderedRefusal.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, filled);
        Assert.Equal(expected, answer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetSingle()));
        Assert.Equal((2, 0), (answer.GetProperty("filled").GetInt32(), answer.GetProperty("dropped").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, dropped);
        Assert.Equal([4, 5], droppedAnswer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal(2, droppedAnswer.GetProperty("dropped").GetInt32());
    }

    [Fact]
    public async Task Score_AColumnFloatsHoldCoarsely_IsNotedInTheAnswer_AsTheCommandLineNotesIt()
    {
        // Given: records whose bytes vary by tenths around ten million, which floats hold only to within 0.5
        const string body = "proto,duration,bytes\ntcp,8.1,10000000.1\nudp,12.3,10000000.4\ntcp,6.2,10000000.7\nudp,9.9,10000000.2\n";

        // When
        await using var app = fixture.Start(models: ModelsFolder);
        var (status, answer) = await Post(app.GetTestClient(), "/v1/score?model=net", body);
        var (plainStatus, plain) = await Post(app.GetTestClient(), "/v1/score?model=net", FourRecords);

        // Then: scored, with the note the command line prints of such a file (the service said nothing)
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, plainStatus));
        var note = Assert.Single(answer.GetProperty("notes").EnumerateArray()).GetString()!;
        Assert.StartsWith("the body: column 'bytes' varies by", note, StringComparison.Ordinal);
        Assert.Contains("Subtract an offset from the column (e.g. 10000000", note, StringComparison.Ordinal);
        Assert.False(plain.TryGetProperty("notes", out _));
    }

    [Fact]
    public async Task Score_RecordsInTheBody_ToAKnnOfRecords_AreAnsweredWithTheLibrarysScores()
    {
        // Given: the body of the test above
        const string body = FourRecords;
        var (expected, _) = await LibraryScores("near", body);

        // When
        await using var app = fixture.Start(models: ModelsFolder);
        var client = app.GetTestClient();
        var models = JsonDocument.Parse(await client.GetStringAsync("/v1/models")).RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        var (status, answer) = await Post(client, "/v1/score?model=near", body);

        // Then: it reads records, and the record far out of the training relation scores highest and is flagged
        Assert.Equal("records", models["near"].GetProperty("input").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(expected, results.Select(r => r.GetProperty("score").GetSingle()));
        Assert.Equal(2, expected.ToList().IndexOf(expected.Max()));
        Assert.True(results[2].GetProperty("flag").GetBoolean());
    }

    [Fact]
    public async Task Models_SayWhatEachReads_AndAModelOfWholeSequencesScoresThem()
    {
        // Given: a body of two sequences of 20 rows
        var body = new StringBuilder("sequence_id,t,value\n");
        foreach (var (id, phase, spike) in new[] { ("a", 0.5, -1), ("b", 2.0, -1), ("c", 1.0, 8) })
        {
            foreach (var (v, t) in ServedModelsFixture.Wave(20, phase, spike).Select((v, t) => (v, t)))
            {
                body.Append(CultureInfo.InvariantCulture, $"{id},{t},{v:R}\n");
            }
        }

        // When
        await using var app = fixture.Start(models: ModelsFolder);
        var client = app.GetTestClient();
        var models = JsonDocument.Parse(await client.GetStringAsync("/v1/models")).RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        var (status, answer) = await Post(client, "/v1/score?model=whole", body.ToString());

        // Then: the model of records reads records, by the CSV's columns; the dense model of whole sequences reads sequences
        Assert.Equal("records", models["net"].GetProperty("input").GetString());
        Assert.Equal(["bytes", "duration", "proto"], models["net"].GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("sequences", models["whole"].GetProperty("input").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["a", "b", "c"], results.Select(r => r.GetProperty("sequence_id").GetString()));
        Assert.True(results[2].GetProperty("flag").GetBoolean(), "the spiked sequence is flagged");
        Assert.Equal("value", Assert.Single(results[2].GetProperty("columns").EnumerateArray()).GetProperty("column").GetString()); // its one channel, explained
        Assert.All(results.Where(r => !r.GetProperty("flag").GetBoolean()), r => Assert.False(r.TryGetProperty("columns", out _)));
    }

    [Fact]
    public async Task ScoreSequences_AGap_Get400SayingTheQueryThatFillsIt_AndMissingFillsIt()
    {
        // Given: two sequences of 20 rows, the second with an empty cell on line 25 of the body
        var body = new StringBuilder("sequence_id,t,value\n");
        foreach (var (id, phase) in new[] { ("a", 0.5), ("b", 2.0) })
        {
            foreach (var (v, t) in ServedModelsFixture.Wave(20, phase, -1).Select((v, t) => (v, t)))
            {
                body.Append(CultureInfo.InvariantCulture, $"{id},{t},{(id == "b" && t == 3 ? "" : v.ToString("R", CultureInfo.InvariantCulture))}\n");
            }
        }

        // When
        await using var app = fixture.Start(models: ModelsFolder);
        var client = app.GetTestClient();
        var (refused, refusedBody) = await Post(client, "/v1/score?model=whole", body.ToString());
        var (filled, filledBody) = await Post(client, "/v1/score?model=whole&missing=interpolate", body.ToString());
        var (unknown, unknownBody) = await Post(client, "/v1/score?model=whole&missing=sometimes", body.ToString());

        // Then: the refusal names the line and the query parameter (it named the command line's --missing); filled, it is scored
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal(25, refusedBody.GetProperty("line").GetInt32());
        Assert.Contains("add missing=interpolate, ffill or drop to the query", refusedBody.GetProperty("error").GetString());
        Assert.DoesNotContain("--missing", refusedBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, filled);
        Assert.Equal(["a", "b"], filledBody.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("sequence_id").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("expected error, interpolate, ffill or drop", unknownBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Score_BadRecords_Get400NamingTheLineAndColumn_AndNothingIsCounted()
    {
        await using var app = fixture.Start(models: ModelsFolder);
        var client = app.GetTestClient();

        var (badCell, badCellBody) = await Post(client, "/v1/score?model=net", "bytes,duration,proto\n700,7.2,tcp\n800,fast,udp\n");
        var (noColumn, noColumnBody) = await Post(client, "/v1/score?model=net", "bytes,proto\n700,tcp\n");
        var (empty, emptyBody) = await Post(client, "/v1/score?model=net", "");
        var metrics = await client.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.BadRequest, badCell);
        Assert.Equal("request body:3: column 'duration': found 'fast'; expected a finite number, as in the training data", badCellBody.GetProperty("error").GetString());
        Assert.Equal(3, badCellBody.GetProperty("line").GetInt64());
        Assert.Equal("duration", badCellBody.GetProperty("column").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noColumn);
        Assert.Contains("duration", noColumnBody.GetProperty("error").GetString());
        Assert.StartsWith("request body", noColumnBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.StartsWith("request body", emptyBody.GetProperty("error").GetString());
        Assert.DoesNotContain("vae_anomaly_records_scored_total{model=\"net\"}", metrics);
    }
}
