using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Persistence;

/// <summary>
/// Checks every value a manifest holds before anything is built from it: sizes and counts within stated limits,
/// numbers finite, spreads positive, widths consistent. Each failure names the bundle and the key.
/// </summary>
/// <remarks>
/// Thresholds stored as NaN by earlier versions (a rule that could not be fitted) become absent with a note, as this
/// version stores them; an infinite threshold is refused.
/// </remarks>
public static class ManifestValidation
{
    /// <summary>Largest sequence length a manifest may state (a series scored as one sequence can be long).</summary>
    public const int MaxLength = 100_000_000;

    /// <summary>A GRU-VAE manifest, checked, with NaN thresholds turned into notes.</summary>
    /// <param name="m">The manifest as read.</param>
    /// <param name="directory">The bundle folder, for messages.</param>
    /// <exception cref="BundleException">A value is missing, out of range or inconsistent.</exception>
    public static BundleManifest Check(BundleManifest m, string directory)
    {
        var c = new Checker(directory);
        c.Model(m.Model, "gru-vae");
        c.Names("channels", m.Channels);
        c.Range("min_length", m.MinLength, 1, MaxLength);
        c.Range("max_length", m.MaxLength, m.MinLength, MaxLength);
        c.Options("model_options", m.ModelOptions.Validate);
        c.Equal("model_options.channels", m.ModelOptions.Channels, m.Channels.Count, "the number of channel names");
        c.Options("trainer_options", m.TrainerOptions.Validate);
        c.Range("trainer_options.batch_size", m.TrainerOptions.BatchSize, 1, GruVaeOptions.MaxSize);
        c.Range("trainer_options.window_stride", m.TrainerOptions.WindowStride, 0, GruVaeOptions.MaxSize);
        c.Scoring(m.Scoring);
        c.Scaler("scaler", m.Scaler, m.Channels.Count);
        c.Combiner("combiner", m.Combiner);
        c.Values("latent.decoder_variance", m.Latent.DecoderVariance, m.Channels.Count, positive: true);
        c.Values("latent.mahalanobis.mean", m.Latent.Mahalanobis.Mean, m.ModelOptions.Latent);
        c.Values("latent.mahalanobis.precision", m.Latent.Mahalanobis.Precision, (long)m.ModelOptions.Latent * m.ModelOptions.Latent);
        c.Range("latent.importance_samples", m.Latent.ImportanceSamples, 1, ScoringOptions.MaxSamples);
        c.Values("validation_latent_usage.kl_per_dimension", m.ValidationLatentUsage.KlPerDimension, m.ModelOptions.Latent);
        c.Range("validation_latent_usage.active_units", m.ValidationLatentUsage.ActiveUnits, 0, m.ModelOptions.Latent);
        c.Rule("default_threshold", m.DefaultThreshold);
        c.TrainingData(m.TrainingData);
        c.Weights(m.Weights);

        var notes = c.Notes(m.ThresholdNotes);
        if (!m.Thresholds.ContainsKey(ScoreKind.Combined.Name()))
        {
            throw c.Error("thresholds", $"has no '{ScoreKind.Combined.Name()}' entry");
        }

        var thresholds = m.Thresholds.ToDictionary(
            kv => c.ScoreName("thresholds", kv.Key),
            kv => c.Thresholds($"thresholds.{kv.Key}", kv.Key, kv.Value, notes));
        var point = c.Thresholds("point_thresholds", "step", m.PointThresholds, notes);
        var windows = m.Windows is null ? null : m.Windows with
        {
            Combiner = c.Combiner("windows.combiner", m.Windows.Combiner),
            Thresholds = m.Windows.Thresholds.ToDictionary(
                kv => c.ScoreName("windows.thresholds", kv.Key),
                kv => c.Thresholds($"windows.thresholds.{kv.Key}", $"window/{kv.Key}", kv.Value, notes)),
        };
        if (windows is not null)
        {
            c.Range("windows.windows", windows.Windows, 0, int.MaxValue);
        }

        return m with { Thresholds = thresholds, PointThresholds = point, Windows = windows, ThresholdNotes = notes.Count == 0 ? null : notes };
    }

    /// <summary>A baseline manifest, checked, with NaN thresholds turned into notes.</summary>
    /// <param name="m">The manifest as read.</param>
    /// <param name="directory">The bundle folder, for messages.</param>
    /// <exception cref="BundleException">A value is missing, out of range or inconsistent.</exception>
    public static BaselineManifest Check(BaselineManifest m, string directory)
    {
        var c = new Checker(directory);
        c.Model(m.Model, "dense-ae", "dense-vae", "lstm-ae", "conv-ae");
        c.Names("channels", m.Channels);
        c.Options("options", m.Options.Validate);
        c.Range("length", m.Length, 1, GruVaeOptions.MaxSize);
        c.Options("options", () => m.Options.ValidateSize((long)m.Length * m.Channels.Count));
        if (m.Input == BaselineInput.Windows)
        {
            c.Range("train_stride", m.TrainStride, 1, GruVaeOptions.MaxSize);
            c.Range("score_stride", m.ScoreStride, 1, GruVaeOptions.MaxSize);
            if (m.Family is not ("dense" or "lstm" or "conv"))
            {
                throw c.Error("family", $"must name a family of dense, lstm or conv; got '{IO.Messages.Cut(m.Family)}'");
            }
        }

        if (m.Scaler is { } scaler)
        {
            c.Scaler("scaler", scaler, m.Channels.Count);
        }
        else if (m.Input == BaselineInput.Windows)
        {
            throw c.Error("scaler", "is missing; a window model scales its inputs");
        }

        if (m.Encoder is { } e)
        {
            c.Encoder(e, m.Channels.Count);
        }

        c.Rule("default_threshold", m.DefaultThreshold);
        c.TrainingData(m.TrainingData);
        c.Weights(m.Weights);
        var notes = c.Notes(m.ThresholdNotes);
        return m with
        {
            Thresholds = c.Thresholds("thresholds", "score", m.Thresholds, notes),
            WindowThresholds = m.WindowThresholds is null ? null : c.Thresholds("window_thresholds", "window", m.WindowThresholds, notes),
            StepThresholds = m.StepThresholds is null ? null : c.Thresholds("step_thresholds", "step", m.StepThresholds, notes),
            ThresholdNotes = notes.Count == 0 ? null : notes,
        };
    }

    /// <summary>The encoder of a model of records, as any manifest holds it under <c>encoder</c>: names, finite means, positive spreads, one list of values per text column, and one encoded column per channel.</summary>
    /// <param name="e">The encoder as read.</param>
    /// <param name="channels">The manifest's channel count.</param>
    /// <param name="directory">The bundle folder, for messages.</param>
    /// <exception cref="BundleException">A value is missing, out of range or inconsistent.</exception>
    public static void Check(TabularEncoder e, int channels, string directory) => new Checker(directory).Encoder(e, channels);

    /// <summary>Raises <see cref="BundleException"/>s that name the bundle, the manifest and the key.</summary>
    private sealed class Checker(string directory)
    {
        public BundleException Error(string key, string problem) => new(directory, $"{DetectorBundle.ManifestFile}: '{key}' {problem}");

        public void Model(string model, params string[] expected)
        {
            if (!expected.Contains(model))
            {
                throw Error("model", $"must be {string.Join(" or ", expected)}; got '{IO.Messages.Cut(model)}'");
            }
        }

        public void Names(string key, IReadOnlyList<string> names, bool allowEmpty = false)
        {
            if ((!allowEmpty && names.Count == 0) || names.Count > GruVaeOptions.MaxSize)
            {
                throw Error(key, $"must hold 1 to {GruVaeOptions.MaxSize:N0} names; got {names.Count:N0}");
            }

            if (names.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
            {
                throw Error(key, "holds an empty name");
            }

            var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw Error(key, $"names '{IO.Messages.Cut(duplicate.Key)}' twice");
            }
        }

        public void Range(string key, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                throw Error(key, $"must lie in {min:N0}..{max:N0}; got {value:N0}");
            }
        }

        public void Equal(string key, long value, long expected, string what)
        {
            if (value != expected)
            {
                throw Error(key, $"is inconsistent: {value:N0}, but {what} is {expected:N0}");
            }
        }

        public void Finite(string key, double value, bool positive = false)
        {
            if (!double.IsFinite(value) || (positive ? value <= 0 : false))
            {
                throw Error(key, $"must be a finite number{(positive ? " above 0" : "")}; got {value}");
            }
        }

        public void Encoder(TabularEncoder e, int channels)
        {
            Names("encoder.numeric_names", e.NumericNames, allowEmpty: true);
            Names("encoder.text_names", e.TextNames, allowEmpty: true);
            Values("encoder.mean", e.Mean, e.NumericNames.Count);
            Values("encoder.std", e.Std, e.NumericNames.Count, positive: true);
            Equal("encoder.categories", e.Categories.Count, e.TextNames.Count, "the number of text columns");
            if (e.Covariance is { } covariance)
            {
                Equal("encoder.covariance", covariance.Length, e.NumericNames.Count, "the number of numeric columns");
                for (var a = 0; a < covariance.Length; a++)
                {
                    Values($"encoder.covariance[{a}]", covariance[a], e.NumericNames.Count);
                }
            }

            Equal("channels", channels, e.Columns.Count, "the encoder's columns");
        }

        public void Values(string key, double[] values, long length, bool positive = false)
        {
            if (values.Length != length)
            {
                throw Error(key, $"holds {values.Length:N0} values; expected {length:N0}");
            }

            for (var i = 0; i < values.Length; i++)
            {
                Finite($"{key}[{i}]", values[i], positive);
            }
        }

        public void Options(string key, Action validate)
        {
            try
            {
                validate();
            }
            catch (ArgumentException e)
            {
                throw Error(key, $"are invalid: {e.Message}");
            }
        }

        public void Scoring(ScoringOptions s)
        {
            Finite("scoring.lambda", s.Lambda);
            if (s.Lambda < 0)
            {
                throw Error("scoring.lambda", $"must not be negative; got {s.Lambda}");
            }

            Range("scoring.mc_samples", s.McSamples, 0, ScoringOptions.MaxSamples);
            Range("scoring.importance_samples", s.ImportanceSamples, 1, ScoringOptions.MaxSamples);
            Range("scoring.window_stride", s.WindowStride, 0, GruVaeOptions.MaxSize);
            Range("scoring.batch_size", s.BatchSize, 1, GruVaeOptions.MaxSize);
        }

        public void Scaler(string key, Standardizer scaler, int channels)
        {
            Values($"{key}.mean", scaler.Mean, channels);
            Values($"{key}.std", scaler.Std, channels, positive: true);
        }

        public ScoreCombiner Combiner(string key, ScoreCombiner combiner)
        {
            Finite($"{key}.lambda", combiner.Lambda);
            Finite($"{key}.reconstruction_mean", combiner.ReconstructionMean);
            Finite($"{key}.kl_mean", combiner.KlMean);
            var standardized = combiner.Mode == CombineMode.Standardized;
            Finite($"{key}.reconstruction_std", combiner.ReconstructionStd, positive: standardized);
            Finite($"{key}.kl_std", combiner.KlStd, positive: standardized);
            return combiner;
        }

        public void Rule(string key, string rule)
        {
            if (!ThresholdRules.Names.Contains(rule))
            {
                throw Error(key, $"must be one of {string.Join(", ", ThresholdRules.Names)}; got '{IO.Messages.Cut(rule)}'");
            }
        }

        public string ScoreName(string key, string name) =>
            ScoreKinds.All.Any(k => k.Name() == name)
                ? name
                : throw Error(key, $"names an unknown score '{IO.Messages.Cut(name)}'; expected {string.Join(", ", ScoreKinds.All.Select(k => k.Name()))}");

        public SortedDictionary<string, string> Notes(IReadOnlyDictionary<string, string>? notes) =>
            new(notes?.ToDictionary() ?? [], StringComparer.Ordinal);

        /// <summary>The set without NaN entries (noted instead); refuses unknown rules and infinite values.</summary>
        public IReadOnlyDictionary<string, double> Thresholds(string key, string set, IReadOnlyDictionary<string, double> thresholds, IDictionary<string, string> notes)
        {
            var kept = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (rule, value) in thresholds)
            {
                Rule($"{key}.{rule}", rule);
                if (double.IsNaN(value))
                {
                    notes.TryAdd(ThresholdRules.NoteKey(set, rule), "it was stored as NaN by an earlier version, which could not fit it on the validation scores");
                    continue;
                }

                Finite($"{key}.{rule}", value);
                kept[rule] = value;
            }

            return kept;
        }

        public void TrainingData(TrainingDataInfo t)
        {
            Range("training_data.train_sequences", t.TrainSequences, 0, int.MaxValue);
            Range("training_data.validation_sequences", t.ValidationSequences, 0, int.MaxValue);
            Range("training_data.train_steps", t.TrainSteps, 0, long.MaxValue);
            Range("training_data.validation_steps", t.ValidationSteps, 0, long.MaxValue);
            if (t.Calibration is { } c)
            {
                Range("training_data.calibration.sequences", c.Sequences, 1, int.MaxValue);
                Range("training_data.calibration.steps", c.Steps, 1, long.MaxValue);
                if (string.IsNullOrEmpty(c.Fingerprint) || c.Source is null)
                {
                    throw Error("training_data.calibration", "needs the fingerprint and the source of the data the thresholds were fitted on");
                }
            }
        }

        public void Weights(WeightsInfo w)
        {
            if (string.IsNullOrEmpty(w.File) || Path.GetFileName(w.File) != w.File || w.File is "." or "..")
            {
                throw Error("weights.file", $"must be a file name inside the bundle; got '{IO.Messages.Cut(w.File)}'");
            }

            if (!w.Sha256.StartsWith("sha256:", StringComparison.Ordinal) || w.Sha256.Length != 71)
            {
                throw Error("weights.sha256", $"must be 'sha256:' and 64 hex digits; got '{IO.Messages.Cut(w.Sha256)}'");
            }

            long total = 0;
            foreach (var (name, shape) in w.Parameters)
            {
                if (shape.Length > 8 || shape.Any(d => d < 0 || d > GruVaeOptions.MaxParameters))
                {
                    throw Error($"weights.parameters.{IO.Messages.Cut(name)}", $"is not a tensor shape: [{string.Join(",", shape.Take(9))}]");
                }

                total += shape.Aggregate(1L, (a, d) => Math.Min(a * d, GruVaeOptions.MaxParameters + 1));
                if (total > GruVaeOptions.MaxParameters)
                {
                    throw Error("weights.parameters", $"hold more than {GruVaeOptions.MaxParameters:N0} weights");
                }
            }
        }
    }
}
