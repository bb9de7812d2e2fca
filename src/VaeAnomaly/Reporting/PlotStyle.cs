using ScottPlot;

namespace VaeAnomaly.Reporting;

/// <summary>Shared size and colours of every figure, so a report reads as one document.</summary>
internal static class PlotStyle
{
    public const int Width = 800;
    public const int Height = 450;

    public static readonly Color Normal = Color.FromHex("#1f77b4");
    public static readonly Color Anomaly = Color.FromHex("#d62728");
    public static readonly Color Threshold = Color.FromHex("#333333");
    public static readonly Color Accent = Color.FromHex("#ff7f0e");

    public static void Save(Plot plot, string path) => plot.SavePng(path, Width, Height);
}
