// The library in a few lines: train on normal sequences, score new ones, save, load, score again.
// Run: dotnet run --project samples/QuickStart
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Evaluation;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

// Any SequenceSet works: SequenceFolder.Read("my-data", "train") reads sequence_id,t,<channels...> files.
var data = new SyntheticGenerator(new SyntheticOptions { Train = 400, Validation = 200, Test = 200, Seed = 1 }).Generate();
var (train, validation, test) = (data.Train.Set, data.Validation.Set, data.Test.Set);

// The measured default (32-step windows, time features, beta 0.1); only the epochs are cut for a quick run.
var config = GruVaeConfiguration.Default;
using var detector = new GruVaeDetector(config.Model, config.Training with { Epochs = 5 }, config.Scoring);
detector.Fit(train, validation, new Progress<EpochReport>(r => Console.WriteLine($"epoch {r.Epoch}: validation loss {r.ValidationTotal:F1}")));

float[] scores = detector.Score(test);     // combined score per sequence, higher is more anomalous
bool[] alarms = detector.Predict(test);    // above the threshold fitted on validation (normal) scores
Console.WriteLine($"{alarms.Count(a => a)} of {test.Count} test sequences flagged (threshold {detector.Threshold:F3}).");

var labels = test.Labels!.Select(l => l.IsAnomaly).ToArray();
Console.WriteLine($"AUC-PR {RankingMetrics.AveragePrecision(labels, scores.Select(s => (double)s).ToArray()):F3} (random: {labels.Average(l => l ? 1.0 : 0.0):F3})");

var bundle = Path.Combine(Path.GetTempPath(), $"vae-anomaly-sample-{Guid.NewGuid():N}");
Directory.CreateDirectory(bundle);
detector.Save(bundle);                     // model.json + model.weights + history.csv
using var loaded = GruVaeDetector.Load(bundle);
Console.WriteLine($"Scores identical after reload: {loaded.Score(test).SequenceEqual(scores)}");

var top = Enumerable.Range(0, test.Count).MaxBy(i => scores[i]);
var why = Attribution.Of(test.ChannelNames, loaded.ScoreAll(test).Parts, top);
Console.WriteLine($"Most anomalous: '{test.Sequences[top].Id}', mostly {why.ChannelShares[0].Key} ({why.ChannelShares[0].Value:P0} of its error), worst span {why.SpanStart}-{why.SpanEnd - 1}.");
Directory.Delete(bundle, recursive: true);
