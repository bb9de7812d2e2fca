// MSBuild task compiled by RoslynCodeTaskFactory (see LibTorchSharpGlibcxx.targets) against
// netstandard2.0, hence no spans and no File.Move overwrite.
//
// TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and names
// GLIBCXX_3.4.32 for a single symbol (std::ios_base_library_init) that is never called. Debian 12
// ships GCC 12's libstdc++, so the loader refuses the library. Setting VER_FLG_WEAK on that one
// entry of the ELF .gnu.version_r section turns the hard failure into a tolerated missing version.
// Only the copy in a build or publish folder is changed: the file is rewritten through a temporary
// file and a rename, so a hard link into the NuGet cache is broken, never written through.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>ELF files to patch; missing files are skipped.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version requirement to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string Version { get; set; } = "";

    /// <summary>Candidate system libstdc++ paths; if any defines <see cref="Version"/>, nothing is patched.</summary>
    public ITaskItem[] SystemLibraries { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        foreach (var lib in SystemLibraries)
        {
            if (File.Exists(lib.ItemSpec) && Contains(File.ReadAllBytes(lib.ItemSpec), Encoding.ASCII.GetBytes(Version + "\0")))
            {
                Log.LogMessage(MessageImportance.Low, $"{lib.ItemSpec} defines {Version}; no patch needed.");
                return true;
            }
        }

        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                var bytes = File.ReadAllBytes(path);
                switch (Weaken(bytes, Version))
                {
                    case Outcome.Patched:
                        var temp = path + ".weak-tmp";
                        File.WriteAllBytes(temp, bytes);
                        File.Delete(path);
                        File.Move(temp, path);
                        Log.LogMessage(MessageImportance.Normal, $"Marked {Version} weak in {path}.");
                        break;
                    case Outcome.AlreadyWeak:
                        break;
                    case Outcome.NotReferenced:
                        Log.LogMessage(MessageImportance.Low, $"{path} does not require {Version}.");
                        break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Log.LogError($"Could not weaken {Version} in {path}: {e.Message}");
                return false;
            }
        }

        return !Log.HasLoggedErrors;
    }

    private enum Outcome { Patched, AlreadyWeak, NotReferenced }

    private static Outcome Weaken(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        }

        var shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (var i = 0; i < shnum; i++)
        {
            var sh = checked((int)(shoff + (long)i * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            var link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            var count = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
            var strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)(shoff + (long)link * shentsize)) + 0x18));

            // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
            var need = offset;
            for (var n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadCString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == version)
                    {
                        var flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0)
                        {
                            return Outcome.AlreadyWeak;
                        }

                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        return Outcome.Patched;
                    }

                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }

                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }

        return Outcome.NotReferenced;
    }

    private static string ReadCString(byte[] bytes, int start)
    {
        var end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length; i = Array.IndexOf(haystack, needle[0], i + 1))
        {
            var j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return true;
            }
        }

        return false;
    }
}
