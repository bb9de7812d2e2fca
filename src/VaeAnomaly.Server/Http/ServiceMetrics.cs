using Prometheus;

namespace VaeAnomaly.Server.Http;

/// <summary>The service's Prometheus metrics, in a registry of its own (so two services in one process count apart).</summary>
public sealed class ServiceMetrics
{
    /// <summary>Creates the metrics in a new registry.</summary>
    public ServiceMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        PointsScored = factory.CreateCounter("vae_anomaly_points_scored_total", "Stream points scored, by model.", "model");
        PointsFlagged = factory.CreateCounter("vae_anomaly_points_flagged_total", "Stream points flagged above the threshold, by model.", "model");
        AlarmsByColumn = factory.CreateCounter("vae_anomaly_alarms_by_column_total", "Stream points flagged, by model and the watched column with the largest share of the score (which sensor alarms).", "model", "column");
        SequencesScored = factory.CreateCounter("vae_anomaly_sequences_scored_total", "Sequences scored by /v1/score, by model.", "model");
        RecordsScored = factory.CreateCounter("vae_anomaly_records_scored_total", "Records scored by /v1/score, by model.", "model");
        Requests = factory.CreateCounter("vae_anomaly_requests_total", "HTTP requests answered, by endpoint, model and status code.", "endpoint", "model", "code");
        Duration = factory.CreateHistogram("vae_anomaly_request_duration_seconds", "HTTP request duration in seconds, by endpoint and model.",
            new HistogramConfiguration { LabelNames = ["endpoint", "model"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Points scored.</summary>
    public Counter PointsScored { get; }

    /// <summary>Points flagged.</summary>
    public Counter PointsFlagged { get; }

    /// <summary>Points flagged, by the column that made most of each one's score.</summary>
    public Counter AlarmsByColumn { get; }

    /// <summary>Sequences scored.</summary>
    public Counter SequencesScored { get; }

    /// <summary>Records scored.</summary>
    public Counter RecordsScored { get; }

    /// <summary>Requests answered.</summary>
    public Counter Requests { get; }

    /// <summary>Request durations.</summary>
    public Histogram Duration { get; }
}
