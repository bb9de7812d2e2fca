using VaeAnomaly.Data;

namespace VaeAnomaly.Tests.Data;

/// <summary><see cref="SequenceCsvReader.ReadChunks"/>: the same sequences as a whole read, a few at a time, checked as they come.</summary>
public sealed class SequenceChunkTests
{
    [Fact]
    public void ReadChunks_GeneratedFolder_GivesTheSameSequencesAndLabelsAsRead()
    {
        // Given: 20 labelled test sequences.
        using var dir = new TempDirectory();
        SequenceFolder.Write(new SyntheticGenerator(new SyntheticOptions { Train = 5, Validation = 3, Test = 20, Seed = 3 }).Generate(), dir.Path);
        var whole = SequenceFolder.Read(dir.Path, "test");

        // When
        var chunks = SequenceCsvReader.ReadChunks(dir.File("test.csv"), 6, dir.File("test_labels.csv")).ToList();

        // Then: chunks of 6, 6, 6 and 2 that together are the whole file, lines and labels included.
        Assert.Equal([6, 6, 6, 2], chunks.Select(c => c.Count));
        var sequences = chunks.SelectMany(c => c.Sequences).ToList();
        Assert.Equal(whole.Sequences.Select(s => (s.Id, s.Line)), sequences.Select(s => (s.Id, s.Line)));
        Assert.Equal(whole.Sequences.SelectMany(s => s.Values), sequences.SelectMany(s => s.Values));
        Assert.Equal(whole.Labels, chunks.SelectMany(c => c.Labels!));
        Assert.All(chunks, c => Assert.Equal(whole.ChannelNames, c.ChannelNames));
    }

    [Fact]
    public void ReadChunks_ErrorNearTheEnd_SurfacesOnlyWhenItsChunkIsReached()
    {
        // Given: three good sequences, then a bad cell on line 8.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "sequence_id,t,x\na,0,1\na,1,2\nb,0,3\nb,1,4\nc,0,5\nc,1,6\nd,0,oops\n");

        // When
        using var chunks = SequenceCsvReader.ReadChunks(dir.File("d.csv"), 2).GetEnumerator();
        var first = chunks.MoveNext();
        var error = Assert.Throws<DataFormatException>(() => chunks.MoveNext());

        // Then: the first chunk came before the file was read to its end.
        Assert.True(first);
        Assert.Equal(["a", "b"], chunks.Current.Sequences.Select(s => s.Id));
        Assert.Equal(8, error.Line);
    }

    [Theory]
    [InlineData(7)] // 20 sequences: a last chunk of 6
    [InlineData(5)] // a last chunk as full as the others
    public void ReadChunks_AChannelFloatsHoldOnlyCoarsely_IsReportedWithTheLastChunk_AsAWholeReadReportsIt(int chunkSize)
    {
        // Given: channel 'a' near 10,000,000 varying by 0.4 at most (floats there are 1 apart), channel 'b' a plain sine
        using var dir = new TempDirectory();
        var path = dir.File("seq.csv");
        File.WriteAllLines(path, ["sequence_id,t,a,b", .. Enumerable.Range(0, 20).SelectMany(id => Enumerable.Range(0, 30).Select(t =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"s{id},{t},{1e7 + (0.4 * Math.Sin((t / 3.0) + id)):F4},{Math.Sin(t / 5.0):F4}")))]);

        // When
        var chunks = SequenceCsvReader.ReadChunks(path, chunkSize).ToList();

        // Then: known only once every row is read, so the last chunk carries it, the same as a whole read's
        Assert.All(chunks[..^1], c => Assert.Empty(c.Rounded));
        Assert.Equal(SequenceCsvReader.Read(path).Rounded, chunks[^1].Rounded);
        Assert.Equal("a", Assert.Single(chunks[^1].Rounded).Column);
        Assert.Equal(20, chunks.Sum(c => c.Count));
    }

    [Fact]
    public void ReadChunks_GapsFilled_AreCountedInTheChunkOfTheirSequence()
    {
        // Given: sequences a, b, c, d, of which b and c have one gap each and d two, read two at a time (c's gap is filled
        // when c is read, before the chunk of a and b is handed on)
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "sequence_id,t,x\na,0,1\na,1,2\nb,0,\nb,1,4\nc,0,\nc,1,6\nd,0,7\nd,1,\nd,2,\nd,3,8\n");

        // When
        var chunks = SequenceCsvReader.ReadChunks(dir.File("d.csv"), 2, missing: MissingValues.Interpolate).ToList();

        // Then
        Assert.Equal([1, 3], chunks.Select(c => c.FilledValues));
    }

    [Fact]
    public void ReadChunks_LabelsForAnUnknownSequence_FailAfterTheLastChunk()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "sequence_id,t,x\na,0,1\nb,0,3\n");
        File.WriteAllText(dir.File("l.csv"), "sequence_id,label\na,0\nb,1\nzz,1\n");

        var error = Assert.Throws<DataFormatException>(() => SequenceCsvReader.ReadChunks(dir.File("d.csv"), 1, dir.File("l.csv")).ToList());

        Assert.Equal(dir.File("l.csv"), error.File);
        Assert.Equal(4, error.Line);
        Assert.Contains("labels sequence 'zz', which the data file does not have", error.Message);
    }
}
