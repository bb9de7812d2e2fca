using VaeAnomaly.IO;

namespace VaeAnomaly.Tests.IO;

public sealed class FlushedLinesTests
{
    /// <summary>A stream that takes <paramref name="room"/> bytes, then writes what still fits of a write and fails, as a full disk does.</summary>
    private sealed class FullAfter(int room) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var fits = (int)Math.Min(buffer.Length, room - Length);
            base.Write(buffer[..fits]);
            if (fits < buffer.Length)
            {
                throw new IOException("No space left on device");
            }
        }
    }

    [Fact]
    public void Write_ALineTheDiskCannotHold_CutsTheFileBackToItsWholeLines_AndFails()
    {
        // Given: room for 2 lines of 6 bytes and half of the third
        var disk = new FullAfter(15);
        using var lines = new FlushedLines(disk);

        // When
        lines.Write("a,1,0\n");
        lines.Write("b,2,0\n");
        var error = Assert.Throws<IOException>(() => lines.Write("c,3,1\n"));

        // Then: half a row reached the disk and was taken off again
        Assert.Equal("No space left on device", error.Message);
        Assert.Equal(2, lines.Lines);
        Assert.Equal("a,1,0\nb,2,0\n", System.Text.Encoding.UTF8.GetString(disk.ToArray()));
    }

    [Fact]
    public void Write_AFile_HoldsEachLineAsSoonAsItIsWritten()
    {
        // Given
        var path = Path.Combine(Path.GetTempPath(), $"flushed-{Guid.NewGuid():N}.csv");
        try
        {
            using var lines = new FlushedLines(path);

            // When
            lines.Write("timestamp,score\n");
            lines.Write("2026-12-07T15:00:00Z,0.5\n");

            // Then: read by another reader while the file is still open, as a follower of the scores reads it
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            Assert.Equal("timestamp,score\n2026-12-07T15:00:00Z,0.5\n", reader.ReadToEnd());
            Assert.Equal(2, lines.Lines);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
