using System.Text.RegularExpressions;

namespace VaeAnomaly.IO;

/// <summary>
/// The temporary name an output is written under until it is complete (<see cref="AtomicFile"/>, <see cref="StagedDirectory"/>),
/// and its undoing: a failure while writing (a full disk) names the output the user asked for, not the temporary one.
/// </summary>
public static partial class PartialOutput
{
    /// <summary>The temporary path beside <paramref name="destination"/>: <c>.NAME.partial-GUID</c> in the same folder.</summary>
    /// <param name="destination">The full path of the output.</param>
    public static string PathFor(string destination) =>
        Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.partial-{Guid.NewGuid():N}");

    /// <summary><paramref name="text"/> with every temporary path in it written as the output it stands for.</summary>
    /// <param name="text">A message, such as an <see cref="IOException"/>'s.</param>
    public static string ShowDestinations(string text) => Temporary().Replace(text, m => m.Groups["name"].Value);

    // A path segment ".NAME.partial-" followed by the 32 hex digits of a Guid in the "N" format.
    [GeneratedRegex(@"(?<=^|[/\\'"" ])\.(?<name>[^/\\]+?)\.partial-[0-9a-f]{32}(?=$|[/\\'"" ])")]
    private static partial Regex Temporary();
}
