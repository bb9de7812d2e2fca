using System.Runtime.Intrinsics;

namespace VaeAnomaly.Detectors;

/// <summary>
/// How the window models computed in managed code (knn, pca) share out their work: a file's windows in groups of
/// <see cref="Size"/> spread over the cores, a stream's few on the calling thread; the stored arrays read in blocks of
/// <see cref="CacheBytes"/> per pass over a group; sums in 512-bit vectors where the runtime accelerates them.
/// </summary>
internal static class WindowGroups
{
    /// <summary>Windows scored together by one thread.</summary>
    public const int Size = 64;

    /// <summary>Bytes of stored arrays read per pass over a group, so that they stay in the core's cache.</summary>
    public const int CacheBytes = 256 * 1024;

    /// <summary>Whether sums run in 512-bit vectors (AVX-512), else in <see cref="System.Numerics.Vector{T}"/>.</summary>
    public static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>Calls <paramref name="score"/> with the first window and the count of each group of <paramref name="count"/> windows; one group runs on the calling thread.</summary>
    public static void ForEach(int count, Action<int, int> score)
    {
        var groups = (count + Size - 1) / Size;
        if (groups == 1)
        {
            score(0, count);
            return;
        }

        Parallel.For(0, groups, g => score(g * Size, Math.Min(Size, count - (g * Size))));
    }
}
