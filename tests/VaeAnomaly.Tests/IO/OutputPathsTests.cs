using VaeAnomaly.IO;

namespace VaeAnomaly.Tests.IO;

/// <summary>Where an output may go: never onto an input, around an input, inside an input folder or onto the working folder.</summary>
public sealed class OutputPathsTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void EnsureApart_WorkingFolderOrItsParents_Refused()
    {
        var cwd = Environment.CurrentDirectory;

        Assert.Contains("working folder", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(".", [])).Message);
        Assert.Contains("working folder", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(cwd, [])).Message);
        Assert.Contains("working folder", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(Path.GetDirectoryName(cwd)!, [])).Message);
        Assert.Contains("working folder", Assert.Throws<IOException>(() => OutputPaths.EnsureApart("/", [])).Message);
    }

    [Fact]
    public void EnsureWritable_Dash_RefusedAsStandardOutputWhileDotSlashDashIsAName()
    {
        // '-' means standard output by the usual convention: a file or a folder called '-' would surprise whoever typed it
        Assert.Contains("stands for standard output", Assert.Throws<IOException>(() => AtomicFile.EnsureWritable("-", replace: true)).Message);
        Assert.Contains("stands for standard output", Assert.Throws<IOException>(() => StagedDirectory.EnsureWritable("-", replace: true)).Message);
        AtomicFile.EnsureWritable(dir.File("-"), replace: false);
        StagedDirectory.EnsureWritable(dir.File("-"), replace: false);
    }

    [Fact]
    public void EnsureApart_InputsDirectlyOrThroughLinks_Refused()
    {
        // Given: data in proj/data, and a link alias -> proj
        Directory.CreateDirectory(dir.File("proj/data"));
        File.WriteAllText(dir.File("proj/data/s.csv"), "x");
        Directory.CreateSymbolicLink(dir.File("alias"), dir.File("proj"));
        File.CreateSymbolicLink(dir.File("s-link.csv"), dir.File("proj/data/s.csv"));
        string[] inputs = [dir.File("proj/data/s.csv")];

        // Then
        Assert.Contains("is the input", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(dir.File("proj/data/s.csv"), inputs)).Message);
        Assert.Contains("is the input", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(dir.File("s-link.csv"), inputs)).Message);
        Assert.Contains("is the input", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(dir.File("alias/data/s.csv"), inputs)).Message);
        Assert.Contains("holds the input", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(dir.File("proj"), inputs)).Message);
        Assert.Contains("holds the input", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(dir.File("alias"), inputs)).Message);
        Assert.Contains("inside the input folder", Assert.Throws<IOException>(() => OutputPaths.EnsureApart(dir.File("proj/data/out"), [dir.File("alias/data")])).Message);

        // Beside the input is fine, and so is a name that merely starts like it.
        OutputPaths.EnsureApart(dir.File("proj/out"), inputs);
        OutputPaths.EnsureApart(dir.File("proj/data2"), [dir.File("proj/data")]);
    }

    [Fact]
    public void EnsureApart_UnderAFile_RefusedBeforeAnyWork()
    {
        File.WriteAllText(dir.File("plain"), "x");

        var error = Assert.Throws<IOException>(() => StagedDirectory.EnsureWritable(dir.File("plain/deeper/bundle"), replace: false));

        Assert.Contains("which is a file", error.Message);
    }

    [Fact]
    public void StagedDirectory_Force_ReplacesOnlyWhatItListedAndNeverAUserFolder()
    {
        // Given: an output written through StagedDirectory, with a subfolder
        var output = dir.File("out");
        using (var staged = StagedDirectory.Begin(output, replace: false))
        {
            Directory.CreateDirectory(staged.PathOf("figures"));
            File.WriteAllText(Path.Combine(staged.PathOf("figures"), "a.png"), "png");
            File.WriteAllText(staged.PathOf("metrics.json"), "{}");
            staged.Commit();
        }

        // Then: listed in the marker, replaceable with force
        Assert.Equal(["figures", "figures/a.png", "metrics.json"], File.ReadAllLines(Path.Combine(output, StagedDirectory.MarkerFile)).Where(l => !l.StartsWith('#')));
        StagedDirectory.EnsureWritable(output, replace: true);
        Assert.Throws<IOException>(() => StagedDirectory.EnsureWritable(output, replace: false));

        // A file of the user's added deep inside makes it theirs.
        File.WriteAllText(Path.Combine(output, "figures", "mine.txt"), "mine");
        Assert.Contains("figures/mine.txt", Assert.Throws<IOException>(() => StagedDirectory.EnsureWritable(output, replace: true)).Message);

        // A folder without the marker is never replaced.
        Directory.CreateDirectory(dir.File("user"));
        File.WriteAllText(dir.File("user/notes.txt"), "mine");
        Assert.Contains("was not written by vae-anomaly", Assert.Throws<IOException>(() => StagedDirectory.Begin(dir.File("user"), replace: true)).Message);
        Assert.Equal("mine", File.ReadAllText(dir.File("user/notes.txt")));
    }

    [Fact]
    public void StagedDirectory_CommitAfterAStop_ThrowsAndLeavesNothing_WhileAnEarlierOutputIsKept()
    {
        // Given: an earlier output, and a run replacing it whose stop was asked for before its commit
        var output = dir.File("out");
        using (var first = StagedDirectory.Begin(output, replace: false))
        {
            File.WriteAllText(first.PathOf("metrics.json"), "first");
            first.Commit();
        }

        // When
        using (var second = StagedDirectory.Begin(output, replace: true))
        {
            File.WriteAllText(second.PathOf("metrics.json"), "second");
            Assert.ThrowsAny<OperationCanceledException>(() => second.Commit(new CancellationToken(canceled: true)));
        }

        // Then: the earlier output untouched, no staging folder left beside it
        Assert.Equal("first", File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void StagedDirectory_NotCommitted_RemovesTheStagingAndTheParentsItCreated()
    {
        // When
        using (StagedDirectory.Begin(dir.File("a/b/out"), replace: false))
        {
        }

        // Then
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AtomicFile_Force_ReplacesOnlyAScoresFile()
    {
        File.WriteAllText(dir.File("scores.csv"), "timestamp,score,threshold,flag\n1,0.5,1,0\n");
        File.WriteAllText(dir.File("mine.csv"), "timestamp,value\n1,2\n");

        AtomicFile.Write(dir.File("scores.csv"), replace: true, path => File.WriteAllText(path, "new"));

        Assert.Equal("new", File.ReadAllText(dir.File("scores.csv")));
        Assert.Contains("was not written by vae-anomaly", Assert.Throws<IOException>(() => AtomicFile.Write(dir.File("mine.csv"), replace: true, path => File.WriteAllText(path, "new"))).Message);
        Assert.Equal("timestamp,value\n1,2\n", File.ReadAllText(dir.File("mine.csv")));
        Assert.Equal(["mine.csv", "scores.csv"], Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
