namespace VaeAnomaly.IO;

/// <summary>Keeps error messages readable whatever the input: long values and long lists are cut, with a count of what was left out.</summary>
public static class Messages
{
    /// <summary>Characters of one value shown in a message.</summary>
    public const int MaxValueLength = 80;

    /// <summary>Items of a list shown in a message.</summary>
    public const int MaxListItems = 10;

    /// <summary><paramref name="text"/>, or its start and how long it was when it is longer than <see cref="MaxValueLength"/>.</summary>
    /// <param name="text">A value taken from the input.</param>
    public static string Cut(string text) => Cut(text, MaxValueLength);

    /// <summary><paramref name="text"/>, or its first <paramref name="max"/> characters and how long it was.</summary>
    /// <param name="text">A value or message built from the input.</param>
    /// <param name="max">Characters shown.</param>
    public static string Cut(string text, int max) =>
        text.Length <= max ? text : $"{text[..max]}... ({text.Length:N0} characters)";

    /// <summary>What is at <paramref name="path"/> where a folder was expected: <c>is a file</c> or <c>does not exist</c>.</summary>
    /// <param name="path">A path that is not a folder.</param>
    public static string NotAFolder(string path) => File.Exists(path) ? "is a file" : "does not exist";

    /// <summary>The message of <paramref name="e"/> without .NET's " (Parameter 'name')" suffix: internal names mean nothing to a user.</summary>
    /// <param name="e">An argument error.</param>
    public static string Of(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    /// <summary>The items joined by commas (no spaces, as a CSV header reads), each cut, at most <see cref="MaxListItems"/> of them and the count of the rest.</summary>
    /// <param name="items">Names or values taken from the input.</param>
    public static string List(IEnumerable<string> items)
    {
        var shown = new List<string>(MaxListItems);
        var total = 0;
        foreach (var item in items)
        {
            if (total++ < MaxListItems)
            {
                shown.Add(Cut(item));
            }
        }

        return total <= MaxListItems ? string.Join(",", shown) : $"{string.Join(",", shown)},... ({total:N0} in all)";
    }
}
