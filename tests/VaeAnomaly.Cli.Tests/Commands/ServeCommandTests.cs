namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>serve</c> refuses what it cannot use before it listens: one message, exit 1.</summary>
[Collection(TorchCollection.Name)]
public sealed class ServeCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Serve_MissingModelsFolder_SaysWhatItExpected()
    {
        var (exit, output) = await CliRunner.RunAsync("serve", "--models", dir.File("nowhere"));

        Assert.Equal(1, exit);
        Assert.Contains("The models folder", output);
        Assert.Contains("one bundle per sub-folder", output);
    }

    [Fact]
    public async Task Serve_ModelsOrStateNamingAFile_IsRefusedBeforeItListensAndTheFileIsKept()
    {
        // Given: a file where the models folder and the state folder should be
        File.WriteAllText(dir.File("data.csv"), "t,v0\n1,2\n");

        // When
        var (modelsExit, modelsOutput) = await CliRunner.RunAsync("serve", "--models", dir.File("data.csv"));
        var (stateExit, stateOutput) = await CliRunner.RunAsync("serve", "--models", dir.File("nowhere"), "--state", dir.File("data.csv"));

        // Then: each says the path is a file (the state was accepted before, and every stream was answered 500)
        Assert.Equal(1, modelsExit);
        Assert.Contains($"The models folder {dir.File("data.csv")} is a file", modelsOutput);
        Assert.Equal(1, stateExit);
        Assert.Contains($"--state {dir.File("data.csv")} is a file; expected a folder", stateOutput);
        Assert.Equal("t,v0\n1,2\n", File.ReadAllText(dir.File("data.csv")));
    }

    [Fact]
    public async Task Serve_Threshold_ServesEveryModelWithThatRule_AndARuleABundleCouldNotFitStopsTheStartNamingIt()
    {
        // Given: a range bundle over a saw (its validation scores all 0: quantile and mean-std fitted, pot not)
        SeriesFile.Write(dir.File("train.csv"), "t,v0", 200, t => System.FormattableString.Invariant($"{t},{t % 20 / 10.0}"));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--split", "80/20/0", "--out", dir.File("models/saw"));
        Assert.True(trainExit == 0, trainText);
        var port = Port(System.Net.Sockets.TcpListener.Create(0));

        // When: served with mean-std (stopped by Ctrl+C once it answered), then with pot
        using var ctrlC = new CancellationTokenSource();
        var run = CliRunner.RunAsync(ctrlC.Token, "serve", "--models", dir.File("models"), "--threshold", "mean-std", "--urls", $"http://127.0.0.1:{port}",
            "--silo-port", Port(System.Net.Sockets.TcpListener.Create(0)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", Port(System.Net.Sockets.TcpListener.Create(0)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient();
        string? models = null;
        for (var waited = 0; waited < 600 && models is null; waited++)
        {
            try
            {
                models = await http.GetStringAsync($"http://127.0.0.1:{port}/v1/models");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        ctrlC.Cancel();
        var (exit, text) = await run;
        var (potExit, potText) = await CliRunner.RunAsync("serve", "--models", dir.File("models"), "--threshold", "pot");

        // Then
        Assert.True(models is not null, text);
        var model = System.Text.Json.JsonDocument.Parse(models!).RootElement.GetProperty("models")[0];
        Assert.Equal("mean-std", model.GetProperty("rule").GetString());
        Assert.Contains(model.GetProperty("thresholds").EnumerateObject(), s => s.Value.TryGetProperty("mean-std", out var v) && v.GetDouble() == model.GetProperty("threshold").GetDouble());
        Assert.Equal(0, exit);
        Assert.Equal(1, potExit);
        Assert.Contains("The model 'saw' (", CliRunner.Collapse(potText));
        Assert.Contains("'pot' threshold", CliRunner.Collapse(potText));
    }

    private static int Port(System.Net.Sockets.TcpListener listener)
    {
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Serve_FolderThatIsNotABundle_IsNamed()
    {
        Directory.CreateDirectory(dir.File("models/pump"));
        File.WriteAllText(dir.File("models/pump/notes.txt"), "not a bundle");

        var (exit, output) = await CliRunner.RunAsync("serve", "--models", dir.File("models"));

        Assert.Equal(1, exit);
        Assert.Contains("pump", output);
        Assert.Contains("model.json", output);
    }

    [Theory]
    [InlineData("--urls", "5080", "expected addresses such as http://127.0.0.1:5080")]
    [InlineData("--urls", "ftp://127.0.0.1:21", "expected addresses such as")]
    [InlineData("--max-body-mb", "0", "--max-body-mb")]
    [InlineData("--silo-port", "70000", "--silo-port")]
    [InlineData("--flag-by", "both", "'surprise'")]
    public async Task Serve_BadOption_IsRefusedBeforeAnyWork(string option, string value, string expected)
    {
        var (exit, output) = await CliRunner.RunAsync("serve", "--models", dir.File("nowhere"), option, value);

        Assert.Equal(1, exit);
        Assert.Contains(expected, output);
    }

    [Fact]
    public async Task Serve_FlagBySurpriseWithAThresholdRule_IsRefusedBeforeAnyWork()
    {
        var (exit, output) = await CliRunner.RunAsync("serve", "--models", dir.File("nowhere"), "--flag-by", "surprise", "--threshold", "pot");

        Assert.Equal(1, exit);
        Assert.Contains("--flag-by surprise flags each point by its surprise next to the series' own earlier scores; --threshold applies with --flag-by threshold.", CliRunner.Collapse(output));
    }

    [Theory]
    [InlineData("short\n", "has 5 characters; expected at least 16")]
    [InlineData("", "has 0 characters")]
    public async Task Serve_ApiKeyFileWithoutAUsableKey_IsRefused(string content, string expected)
    {
        File.WriteAllText(dir.File("key"), content);

        var (exit, output) = await CliRunner.RunAsync("serve", "--models", dir.File("nowhere"), "--api-key-file", dir.File("key"));

        Assert.Equal(1, exit);
        Assert.Contains(expected, output);
    }
}
