namespace VaeAnomaly.Data;

/// <summary>What a windowed model sees of each window's level.</summary>
public enum WindowLevels
{
    /// <summary>The scaled values as they are.</summary>
    Keep,

    /// <summary>Each window minus its own mean per channel (<see cref="SlidingWindows.RemoveLevels"/>): shapes only.</summary>
    Remove,
}
