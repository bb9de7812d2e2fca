using VaeAnomaly.Data;
using VaeAnomaly.Persistence;

namespace VaeAnomaly.Detectors;

/// <summary>
/// <c>iforest</c>: how quickly random axis-parallel cuts isolate a z-scored window from the training windows (Liu, Ting
/// and Zhou, "Isolation Forest", ICDM 2008, with the paper's defaults: 100 trees, each grown on 256 training windows
/// drawn without replacement, to a depth of log2 256 = 8). The score is the paper's 2^(-E[h(x)] / c(256)): about 0.5
/// and below for what the trees learnt, towards 1 for what they isolate in few cuts. The trees draw from the seed.
/// </summary>
/// <remarks>
/// Which columns made a score: each cut on a window's path through a tree credits the value it cut on with how much it
/// narrowed the window's company, log2 of the training windows at the cut over those that went the window's way. A value
/// beyond what the trees learnt is left with few at each cut on it (a bit or more per cut), a value among them with
/// about three quarters (0.4 bits): the values that isolated the window take the largest shares. A value's error is the
/// window's score times the window's width times its share of the credit over all trees, so that the mean over all values is the score and
/// <c>--explain</c> and <c>--top</c> name the columns the cuts isolated it by. With <c>--target-columns</c> a window's
/// score is the mean over the watched values: the forest's score weighted by the share of its isolation they took.
/// </remarks>
public static class IsolationForestEstimator
{
    /// <summary>The name used on the command line and in bundles.</summary>
    public const string ModelName = "iforest";

    /// <summary>Trees in the forest.</summary>
    public const int Trees = 100;

    /// <summary>Most training windows each tree is grown on.</summary>
    public const int Samples = 256;

    /// <summary>The registry's entry.</summary>
    public static DetectorEntry Entry { get; } = WindowFeatureEstimator.Entry(ModelName, "isolation forest of 32-step z-scored windows: 100 trees of 256 windows each",
        IsolationForestModel.Fit, IsolationForestModel.Restore) with
    {
        ScoreWords = "isolation score (0.5 and below: as the training windows; towards 1: isolated in few cuts)",
    };

    /// <summary>
    /// c(n): the mean path length of an unsuccessful search in a binary search tree of <paramref name="n"/> items, by
    /// which the paper normalises path lengths: 2 H(n - 1) - 2 (n - 1) / n with H(i) = ln i + 0.5772156649; 1 for 2
    /// items, 0 for fewer.
    /// </summary>
    /// <param name="n">Items.</param>
    public static double AveragePathLength(int n) => n switch
    {
        <= 1 => 0,
        2 => 1,
        _ => (2 * (Math.Log(n - 1) + 0.5772156649015329)) - (2.0 * (n - 1) / n),
    };
}

/// <summary>
/// The trees, all nodes in one list: a cut (the value it reads, the cut point, its two children, whose indices are
/// above its own and within its tree) or a leaf (the value -1 and its path length: depth + c(windows that reached it));
/// each with the count of training windows that reached it.
/// </summary>
internal sealed class IsolationForestModel(WindowFeatureShape shape, int samples, int[] roots, int[] value, float[] cut, int[] left, int[] right, float[] length, int[] size, int seed) : IWindowErrors
{
    /// <summary>The training windows each tree was grown on (ψ).</summary>
    public int Samples => samples;

    /// <summary>The first node of each tree.</summary>
    public IReadOnlyList<int> Roots => roots;

    /// <summary>Per node the value of the window it cuts on, or -1 for a leaf.</summary>
    public IReadOnlyList<int> Values => value;

    /// <summary>Per node its cut point: a window goes left when its value is at most this.</summary>
    public IReadOnlyList<float> Cuts => cut;

    /// <summary>Per node its left child (a cut) or -1 (a leaf).</summary>
    public IReadOnlyList<int> Left => left;

    /// <summary>Per node its right child (a cut) or -1 (a leaf).</summary>
    public IReadOnlyList<int> Right => right;

    /// <summary>Per leaf its path length (depth + c(windows that reached it)); 0 for a cut.</summary>
    public IReadOnlyList<float> Lengths => length;

    /// <summary>Numbers stored per node: value, cut point, left child, right child, path length, training windows.</summary>
    private const int Columns = 6;

    /// <summary>Per node the training windows that reached it.</summary>
    public IReadOnlyList<int> Sizes => size;

    /// <summary>c(ψ) of the windows each tree was grown on: the path lengths' normaliser.</summary>
    public double Normaliser { get; } = IsolationForestEstimator.AveragePathLength(samples);

    /// <inheritdoc />
    public int? Seed => seed;

    /// <summary>Grows the trees on the training windows (at least two), drawing each tree's windows and cuts from <paramref name="seed"/>.</summary>
    public static IsolationForestModel Fit(WindowFeatureShape shape, SequenceSet windows, int seed)
    {
        if (windows.Count < 2)
        {
            throw new ArgumentException($"The training data give {windows.Count} window of {shape.Window} steps; an isolation forest needs at least 2. Use a smaller --window or more data.");
        }

        var d = shape.Width;
        var x = PcaModel.Flatten(windows, d);
        var channels = shape.Channels.Count;
        if (!shape.TargetIndices.Any(j => Enumerable.Range(0, x.Length / channels).Any(row => x[(row * channels) + j] != x[j])))
        {
            // No cut ever falls on a value that never varied: every score would be 0, whatever the watched columns do later.
            throw new ArgumentException($"An isolation forest cuts only between values it has seen, and the watched {(shape.Targets.Count == 1 ? "column" : "columns")} "
                + $"{string.Join(", ", shape.Targets.Select(t => IO.Messages.Cut(t)))} never {(shape.Targets.Count == 1 ? "varies" : "vary")} in the training rows: a change in "
                + $"{(shape.Targets.Count == 1 ? "it" : "them")} would go unseen. Watch a column that varies (--target-columns), or train range or pca, which measure a change from a constant.");
        }

        var samples = Math.Min(IsolationForestEstimator.Samples, windows.Count);
        var limit = (int)Math.Ceiling(Math.Log2(samples));
        var rng = new Random(seed);
        var (roots, value, cut, left, right, length, size) = (new int[IsolationForestEstimator.Trees], new List<int>(), new List<float>(), new List<int>(), new List<int>(), new List<float>(), new List<int>());
        var order = Enumerable.Range(0, windows.Count).ToArray();
        var features = Enumerable.Range(0, d).ToArray();

        int Grow(int[] rows, int depth)
        {
            var node = value.Count;
            value.Add(-1);
            cut.Add(0);
            left.Add(-1);
            right.Add(-1);
            length.Add((float)(depth + IsolationForestEstimator.AveragePathLength(rows.Length)));
            size.Add(rows.Length);
            if (depth >= limit || rows.Length < 2)
            {
                return node;
            }

            // A value drawn at random among those that still vary here (the paper's attribute q; a constant one cannot cut).
            for (var tried = 0; tried < d; tried++)
            {
                var pick = tried + rng.Next(d - tried);
                (features[tried], features[pick]) = (features[pick], features[tried]);
                var f = features[tried];
                var (lo, hi) = (float.PositiveInfinity, float.NegativeInfinity);
                foreach (var row in rows)
                {
                    var at = x[(row * d) + f];
                    (lo, hi) = (Math.Min(lo, at), Math.Max(hi, at));
                }

                if (!(hi > lo))
                {
                    continue;
                }

                // The cut point p drawn uniformly in [lo, hi); a window goes left when its value is at most p, so both sides keep one.
                var p = (float)(lo + (rng.NextDouble() * ((double)hi - lo)));
                if (!(p < hi))
                {
                    p = lo;
                }

                var goesLeft = rows.Where(row => x[(row * d) + f] <= p).ToArray();
                var goesRight = rows.Where(row => x[(row * d) + f] > p).ToArray();
                (value[node], cut[node], length[node]) = (f, p, 0);
                var leftChild = Grow(goesLeft, depth + 1);
                var rightChild = Grow(goesRight, depth + 1);
                (left[node], right[node]) = (leftChild, rightChild);
                return node;
            }

            return node; // every value is the same in these windows: a leaf
        }

        for (var t = 0; t < roots.Length; t++)
        {
            // ψ windows without replacement: the first ψ places of a partial shuffle
            for (var i = 0; i < samples; i++)
            {
                var j = i + rng.Next(order.Length - i);
                (order[i], order[j]) = (order[j], order[i]);
            }

            roots[t] = Grow(order[..samples], 0);
        }

        return new IsolationForestModel(shape, samples, roots, [.. value], [.. cut], [.. left], [.. right], [.. length], [.. size], seed);
    }

    /// <summary>Reads the trees of a bundle whose manifest was checked, and checks that they are trees.</summary>
    public static IsolationForestModel Restore(WindowFeatureManifest m, WindowFeatureShape shape, string directory)
    {
        int Parameter(string name, int most)
        {
            return m.Parameters.TryGetValue(name, out var n) && n >= 1 && n <= most
                ? n
                : throw new BundleException(directory, $"model.json is inconsistent: an isolation forest needs parameters.{name} between 1 and {most}");
        }

        var trees = Parameter("trees", IsolationForestEstimator.Trees);
        var samples = Parameter("samples", IsolationForestEstimator.Samples);
        var nodes = Parameter("nodes", trees * ((2 * IsolationForestEstimator.Samples) - 1));
        var seed = m.Parameters.TryGetValue("seed", out var s) ? s : new DetectorSettings().Seed;
        var state = WeightsFile.Read(directory, m.Weights, new Dictionary<string, long[]> { ["roots"] = [trees], ["nodes"] = [nodes, Columns] });
        var (rootValues, table) = (state["roots"].Values, state["nodes"].Values);
        var roots = new int[trees];
        var (value, cut, left, right, length, size) = (new int[nodes], new float[nodes], new int[nodes], new int[nodes], new float[nodes], new int[nodes]);
        var (depths, parents) = (new int[nodes], new int[nodes]);
        var deepest = (int)Math.Ceiling(Math.Log2(samples));
        var longest = deepest + IsolationForestEstimator.AveragePathLength(samples);
        for (var t = 0; t < trees; t++)
        {
            roots[t] = Whole(rootValues[t], t == 0 ? 0 : roots[t - 1] + 1, nodes - 1, $"roots[{t}]");
            if (t == 0 && roots[0] != 0)
            {
                throw Inconsistent($"roots[0] is {roots[0]}; the first tree starts at node 0");
            }
        }

        for (var t = 0; t < trees; t++)
        {
            var end = t + 1 < trees ? roots[t + 1] : nodes;
            for (var i = roots[t]; i < end; i++)
            {
                // Every node but the root is the child of one node before it, in its own tree, and no deeper than the trees grow
                if (i != roots[t] && parents[i] != 1)
                {
                    throw Inconsistent($"node {i} is the child of {parents[i]} nodes of its tree; every node but a root is the child of one");
                }

                value[i] = Whole(table[i * Columns], -1, shape.Width - 1, $"node {i}'s value");
                (cut[i], length[i]) = (table[(i * Columns) + 1], table[(i * Columns) + 4]);
                size[i] = Whole(table[(i * Columns) + 5], 1, samples, $"node {i}'s count of training windows");
                if (i == roots[t] && size[i] != samples)
                {
                    throw Inconsistent($"tree {t} holds {size[i]} training windows at its root; each tree is grown on {samples}");
                }

                if (value[i] < 0)
                {
                    (left[i], right[i]) = (-1, -1);
                    if (!(length[i] >= 0 && length[i] <= longest))
                    {
                        throw Inconsistent($"leaf {i}'s path length is {length[i]}, outside 0-{longest:G4}");
                    }

                    continue;
                }

                if (depths[i] >= deepest || !float.IsFinite(cut[i]))
                {
                    throw Inconsistent(depths[i] >= deepest ? $"node {i} cuts at depth {depths[i]}; trees of {samples} windows end at depth {deepest}" : $"node {i}'s cut point is {cut[i]}");
                }

                left[i] = Whole(table[(i * Columns) + 2], i + 1, end - 1, $"node {i}'s left child");
                right[i] = Whole(table[(i * Columns) + 3], i + 1, end - 1, $"node {i}'s right child");
                if (table[(left[i] * Columns) + 5] + table[(right[i] * Columns) + 5] != size[i])
                {
                    throw Inconsistent($"node {i}'s {size[i]} training windows are not those of its two children");
                }

                foreach (var child in (int[])[left[i], right[i]])
                {
                    (depths[child], parents[child]) = (depths[i] + 1, parents[child] + 1);
                }
            }
        }

        return new IsolationForestModel(shape, samples, roots, value, cut, left, right, length, size, seed);

        int Whole(float stored, int low, int high, string what) =>
            stored == MathF.Round(stored) && stored >= low && stored <= high ? (int)stored : throw Inconsistent($"{what} is {stored}, not a whole number in {low}-{high}");

        BundleException Inconsistent(string what) => new(directory, $"the isolation forest in {m.Weights.File} is inconsistent: {what}");
    }

    /// <inheritdoc />
    public (float[] Scores, float[] Steps) Errors(SequenceSet queries) => shape.Reduce(SquaredErrors(queries), queries.Count);

    /// <summary>
    /// Per window, step and column its share of the window's isolation, times the forest's score and the window's
    /// width (see <see cref="IsolationForestEstimator"/>); the mean over a window's values is its score.
    /// </summary>
    public float[] SquaredErrors(SequenceSet queries)
    {
        var d = shape.Width;
        var errors = new float[queries.Count * d];
        WindowGroups.ForEach(queries.Count, (first, n) =>
        {
            var x = PcaModel.Flatten(queries, d, first, n);
            for (var q = 0; q < n; q++)
            {
                Isolate(x.AsSpan(q * d, d), errors.AsSpan((first + q) * d, d));
            }
        });
        return errors;
    }

    /// <summary>Walks <paramref name="x"/> down every tree, and writes its values' errors into <paramref name="errors"/>.</summary>
    private void Isolate(ReadOnlySpan<float> x, Span<float> errors)
    {
        double lengths = 0, credited = 0;
        foreach (var root in roots)
        {
            var node = root;
            while (value[node] >= 0)
            {
                var next = x[value[node]] <= cut[node] ? left[node] : right[node];
                var narrowed = Math.Log2((double)size[node] / size[next]);
                errors[value[node]] += (float)narrowed;
                credited += narrowed;
                node = next;
            }

            lengths += length[node];
        }

        var score = Math.Pow(2, -(lengths / roots.Length) / Normaliser);
        var d = errors.Length;
        for (var f = 0; f < d; f++)
        {
            // Shares of the credit, or even shares when no tree made a cut (every training window alike)
            errors[f] = (float)(score * d * (credited > 0 ? errors[f] / credited : 1.0 / d));
        }
    }

    /// <inheritdoc />
    public (WeightsInfo Weights, IReadOnlyDictionary<string, int> Parameters) Save(string directory)
    {
        var nodes = value.Length;
        var table = new float[nodes * Columns];
        for (var i = 0; i < nodes; i++)
        {
            var row = table.AsSpan(i * Columns, Columns);
            (row[0], row[1], row[2], row[3], row[4], row[5]) = (value[i], cut[i], left[i], right[i], length[i], size[i]);
        }

        return (WeightsFile.SaveArrays(directory, new Dictionary<string, (float[], long[])> { ["roots"] = ([.. roots.Select(r => (float)r)], [roots.Length]), ["nodes"] = (table, [nodes, Columns]) }),
            new Dictionary<string, int> { ["trees"] = roots.Length, ["samples"] = samples, ["nodes"] = nodes, ["seed"] = seed });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Managed arrays only.
    }
}
