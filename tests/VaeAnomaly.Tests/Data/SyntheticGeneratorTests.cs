using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

public sealed class SyntheticGeneratorTests
{
    private static readonly SyntheticOptions Small = new() { Train = 60, Validation = 20, Test = 200, Seed = 7 };

    [Fact]
    public void Generate_DefaultLengths_StayWithinMinAndMax()
    {
        // Given
        var options = Small with { MinLength = 50, MaxLength = 200 };

        // When
        var data = new SyntheticGenerator(options).Generate();

        // Then
        var lengths = new[] { data.Train.Set, data.Validation.Set, data.Test.Set }
            .SelectMany(s => Enumerable.Range(0, s.Count).Select(s.LengthOf)).ToArray();
        Assert.All(lengths, l => Assert.InRange(l, 50, 200));
        Assert.True(lengths.Distinct().Count() > 50, "lengths should vary over the whole range");
    }

    [Theory]
    [InlineData(300, 200, "max length (200) must be at least min length (300)")]
    [InlineData(5, 200, "min length must be at least 10 (anomaly windows need room); got 5")]
    public void Validate_LengthsOutOfRange_SayWhatWasGiven(int min, int max, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => (Small with { MinLength = min, MaxLength = max }).Validate());

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData(200, 0.1, 20)]
    [InlineData(1000, 0.1, 100)]
    [InlineData(35, 0.1, 4)]   // round(3.5) = 4 (to even)
    [InlineData(45, 0.1, 4)]   // round(4.5) = 4 (to even)
    public void Generate_TestSplit_HasExactlyRoundedAnomalyCount(int n, double ratio, int expected)
    {
        var data = new SyntheticGenerator(Small with { Test = n, AnomalyRatio = ratio }).Generate();

        Assert.Equal(expected, data.Test.Set.Labels!.Count(l => l.IsAnomaly));
        Assert.Equal(expected, data.Test.Anomalies.Count(a => a is not null));
    }

    [Fact]
    public void Generate_TrainAndValidation_AreAllNormalByDefault()
    {
        var data = new SyntheticGenerator(Small).Generate();

        Assert.All(data.Train.Set.Labels!, l => Assert.False(l.IsAnomaly));
        Assert.All(data.Validation.Set.Labels!, l => Assert.False(l.IsAnomaly));
    }

    [Fact]
    public void Generate_Contamination_MixesAnomaliesIntoTrain()
    {
        var data = new SyntheticGenerator(Small with { Train = 100, Contamination = 0.05 }).Generate();

        Assert.Equal(5, data.Train.Set.Labels!.Count(l => l.IsAnomaly));
    }

    [Fact]
    public void Generate_Anomalies_ChangeOnlyChosenChannelsInsideTheirSpan()
    {
        // Given
        var data = new SyntheticGenerator(Small with { Test = 300, AnomalyRatio = 0.5 }).Generate();
        const int c = 8;

        // When / Then
        for (var i = 0; i < data.Test.Set.Count; i++)
        {
            var anomaly = data.Test.Anomalies[i];
            if (anomaly is null)
            {
                continue;
            }

            var values = data.Test.Set.Sequences[i].Values;
            var length = values.Length / c;
            Assert.InRange(anomaly.Channels.Length, 1, c / 2);
            Assert.Equal(anomaly.Channels.Length, anomaly.Channels.Distinct().Count());
            for (var t = 0; t < length; t++)
            {
                for (var ch = 0; ch < c; ch++)
                {
                    var changed = values[(t * c) + ch] != anomaly.Before[(t * c) + ch];
                    var allowed = anomaly.Channels.Contains(ch) && t >= anomaly.Start && t < anomaly.End;
                    if (changed)
                    {
                        Assert.True(allowed, $"sequence {i} ({anomaly.Type}) changed channel {ch} at step {t} outside [{anomaly.Start},{anomaly.End}) or its channels");
                    }
                }
            }

            // Every touched channel really changes somewhere (a drift is 0 exactly at its onset).
            foreach (var ch in anomaly.Channels)
            {
                Assert.Contains(Enumerable.Range(anomaly.Start, anomaly.End - anomaly.Start), t => values[(t * c) + ch] != anomaly.Before[(t * c) + ch]);
            }
        }
    }

    [Fact]
    public void Generate_AnomalyWindows_FollowTheSpecRanges()
    {
        var data = new SyntheticGenerator(Small with { Test = 600, AnomalyRatio = 0.5 }).Generate();

        foreach (var (anomaly, index) in data.Test.Anomalies.Select((a, i) => (a, i)).Where(p => p.a is not null))
        {
            var length = data.Test.Set.LengthOf(index);
            switch (anomaly!.Type)
            {
                case "shift":
                    Assert.InRange(anomaly.Start, (int)Math.Floor(0.2 * length), (int)Math.Floor(0.8 * length) - 1);
                    Assert.Equal(length, anomaly.End);
                    break;
                case "variance":
                    Assert.InRange(anomaly.End - anomaly.Start, (int)Math.Floor(0.1 * length), (int)Math.Floor(0.3 * length));
                    Assert.InRange(anomaly.Start, 0, length - (anomaly.End - anomaly.Start) - 1);
                    break;
                case "drift":
                    Assert.InRange(anomaly.Start, (int)Math.Floor(0.1 * length), (int)Math.Floor(0.5 * length) - 1);
                    Assert.Equal(length, anomaly.End);
                    break;
                default:
                    Assert.Fail($"unknown type {anomaly.Type}");
                    break;
            }
        }

        Assert.Equal(3, data.Test.Anomalies.Where(a => a is not null).Select(a => a!.Type).Distinct().Count());
    }

    [Fact]
    public void Generate_SameSeed_GivesIdenticalData()
    {
        var a = new SyntheticGenerator(Small).Generate();
        var b = new SyntheticGenerator(Small).Generate();

        Assert.Equal(a.Test.Set.Sequences.SelectMany(s => s.Values), b.Test.Set.Sequences.SelectMany(s => s.Values));
        Assert.Equal(a.Test.Set.Labels, b.Test.Set.Labels);
    }

    [Fact]
    public void Generate_OtherSeed_GivesOtherData()
    {
        var a = new SyntheticGenerator(Small).Generate();
        var b = new SyntheticGenerator(Small with { Seed = 8 }).Generate();

        Assert.NotEqual(a.Train.Set.Sequences[0].Values, b.Train.Set.Sequences[0].Values);
    }

    [Fact]
    public void Generate_NormalSequences_HaveSmoothSignalPlusSmallNoise()
    {
        // Known answer from the spec: a normal channel is a*A_k s(t) + b_k plus noise of standard deviation
        // 0.1 * sqrt((0.36 + 0.64) / (1 - 0.5^2)) ~ 0.115 (stationary AR(1), unit innovations). The second
        // difference of the smooth part is tiny at these frequencies, so the noise dominates it:
        // Var(d2 noise) = (6 - 8 rho + 2 rho^2) sigma^2 for an AR(1) of coefficient rho = 0.5, i.e. ~0.033.
        var data = new SyntheticGenerator(Small with { Train = 400 }).Generate();
        const int c = 8;
        double sum = 0, sumSq = 0;
        long n = 0;
        foreach (var s in data.Train.Set.Sequences)
        {
            var length = s.Values.Length / c;
            for (var t = 12; t < length - 1; t++) // skip the start-up of the noise recursion
            {
                for (var ch = 0; ch < c; ch++)
                {
                    double d2 = s.Values[((t + 1) * c) + ch] - (2 * s.Values[(t * c) + ch]) + s.Values[((t - 1) * c) + ch];
                    sum += d2;
                    sumSq += d2 * d2;
                    n++;
                }
            }
        }

        var variance = (sumSq / n) - ((sum / n) * (sum / n));
        var sigma2 = 0.01 * 1.0 / (1 - 0.25);
        var expected = (6 - (8 * 0.5) + (2 * 0.25)) * sigma2;
        Assert.InRange(variance, expected * 0.95, expected * 1.15);
    }
}
