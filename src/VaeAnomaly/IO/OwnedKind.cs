namespace VaeAnomaly.IO;

/// <summary>A kind of output file this tool writes, and how to tell one it wrote from a user's file (<c>--force</c> replaces only those).</summary>
/// <param name="Name">What it is, with an article: "a scores file".</param>
/// <param name="Unlike">Why a file is not one, for the refusal: "its first line names no threshold and flag columns".</param>
/// <param name="IsOurs">True when an existing file is one this tool wrote.</param>
public sealed record OwnedKind(string Name, string Unlike, Func<string, bool> IsOurs);
