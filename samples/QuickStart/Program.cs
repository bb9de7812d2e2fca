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

// Any model of the registry by name; gru-vae is the measured default (32-step windows, time features, beta 0.1).
// Only the epochs are cut for a quick run.
var estimator = DetectorRegistry.Create("gru-vae", new DetectorSettings { Epochs = 5 });
using var detector = estimator.Fit(train, validation, new Progress<EpochReport>(r => Console.WriteLine($"epoch {r.Epoch}: validation loss {r.ValidationTotal:F1}")));

float[] scores = detector.Score(test);     // combined score per sequence, higher is more anomalous
bool[] alarms = detector.Predict(test);    // above the threshold fitted on validation (normal) scores
Console.WriteLine($"{alarms.Count(a => a)} of {test.Count} test sequences flagged (threshold {detector.Thresholds.Value():F3}).");

var labels = test.Labels!.Select(l => l.IsAnomaly).ToArray();
Console.WriteLine($"AUC-PR {RankingMetrics.AveragePrecision(labels, scores.Select(s => (double)s).ToArray()):F3} (random: {labels.Average(l => l ? 1.0 : 0.0):F3})");

var bundle = Path.Combine(Path.GetTempPath(), $"vae-anomaly-sample-{Guid.NewGuid():N}");
Directory.CreateDirectory(bundle);
detector.Save(bundle);                     // model.json + model.weights + history.csv
using var loaded = DetectorRegistry.Load(bundle);      // whichever model the bundle holds
Console.WriteLine($"Scores identical after reload: {loaded.Score(test).SequenceEqual(scores)}");

var top = Enumerable.Range(0, test.Count).MaxBy(i => scores[i]);
var parts = ((IScoresKinds)loaded).ScoreAll(test).Parts;  // a capability: the GRU-VAE gives every score kind
var why = Attribution.Of(test.ChannelNames, parts, top);
Console.WriteLine($"Most anomalous: '{test.Sequences[top].Id}', mostly {why.ChannelShares[0].Key} ({why.ChannelShares[0].Value:P0} of its error), worst span {why.SpanStart}-{why.SpanEnd - 1}.");
Directory.Delete(bundle, recursive: true);
