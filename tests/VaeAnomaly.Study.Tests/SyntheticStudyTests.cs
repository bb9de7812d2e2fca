using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Study.Tests;

[Collection(TorchCollection.Name)]
public sealed class SyntheticStudyTests
{
    private static StudyOptions Tiny(int jobs) => new()
    {
        Seeds = [1, 2],
        Betas = [3],
        Lambdas = [0, 1],
        Jobs = jobs,
        Configuration = GruVaeConfiguration.Default with
        {
            Model = GruVaeConfiguration.Default.Model with { EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 3, Window = 12 },
            Training = GruVaeConfiguration.Default.Training with { Epochs = 1, BatchSize = 32 },
        },
        Data = new SyntheticOptions { Channels = 3, Train = 40, Validation = 30, Test = 40, MinLength = 15, MaxLength = 30 },
    };

    [Fact]
    public void Run_TwoJobsInParallel_GivesTheSameResultsAsOneAtATime()
    {
        var serial = SyntheticStudy.Run(Tiny(jobs: 1));
        var parallel = SyntheticStudy.Run(Tiny(jobs: 2));

        Assert.Equal(serial.Select(r => (r.Seed, r.Beta)), parallel.Select(r => (r.Seed, r.Beta)));
        for (var i = 0; i < serial.Count; i++)
        {
            foreach (var name in SyntheticStudy.ScoreNames([0, 1]))
            {
                Assert.Equal(serial[i].Scores[name].AucPr, parallel[i].Scores[name].AucPr);
            }
        }

        Assert.NotEqual(serial[0].Scores["reconstruction"].AucPr, serial[1].Scores["reconstruction"].AucPr);
    }

    [Fact]
    public void Markdown_TinyStudy_HasOneRowPerScoreAndMeanStd()
    {
        var options = Tiny(jobs: 2);
        var runs = SyntheticStudy.Run(options);

        var md = StudyReport.Markdown(options, runs);

        Assert.Contains("## beta = 3", md);
        foreach (var name in new[] { "| reconstruction |", "| kl |", "| combined@0 |", "| combined@1 |" })
        {
            Assert.Contains(name, md);
        }

        Assert.Contains(" ± ", md);
        Assert.Contains("KL per latent dimension on validation data", md);
        Assert.Contains("| mahalanobis |", md);
        Assert.Contains("\"summary_by_beta\"", StudyReport.Json(options, runs));
    }

    [Theory]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 2.5, 1.2909944487358056)]
    [InlineData(new[] { 5.0 }, 5.0, 0.0)]
    public void MeanStd_KnownValues_UsesSampleStandardDeviation(double[] values, double mean, double std)
    {
        var (m, s) = StudyReport.MeanStd(values);

        Assert.Equal(mean, m, 12);
        Assert.Equal(std, s, 12);
    }
}
