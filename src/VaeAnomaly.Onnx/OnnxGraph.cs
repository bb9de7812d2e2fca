using Google.Protobuf;
using Onnx;

namespace VaeAnomaly.Onnx;

/// <summary>
/// Builds an ONNX model of standard operators, one node at a time: weights become initializers, names are made unique,
/// and <see cref="ToModel"/> stamps the opset, the producer and the metadata.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The opset every exported graph declares: ReduceMean still takes its axes as an attribute.</summary>
    public const int Opset = 17;

    /// <summary>The opset of ONNX's traditional-ML domain (<c>ai.onnx.ml</c>), declared when a graph uses one of its operators (OneHotEncoder, TreeEnsembleRegressor).</summary>
    public const int MlOpset = 3;

    private const string MlDomain = "ai.onnx.ml";

    private readonly GraphProto graph = new() { Name = "vae-anomaly" };
    private int next;
    private bool usesMl;

    /// <summary>Declares a float input.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="dims">Each dimension: a number, or a name for a dimension given at run time.</param>
    public string Input(string name, params object[] dims)
    {
        graph.Input.Add(Value(name, dims));
        return name;
    }

    /// <summary>Declares a string input.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="dims">As in <see cref="Input"/>.</param>
    public string StringInput(string name, params object[] dims)
    {
        var value = Value(name, dims);
        value.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.String;
        graph.Input.Add(value);
        return name;
    }

    /// <summary>
    /// One-hot columns of a string tensor (batch) by <paramref name="categories"/>, as ai.onnx.ml's OneHotEncoder makes
    /// them: (batch, categories) floats, all zeros for a value not among them.
    /// </summary>
    /// <param name="text">A string tensor, (batch).</param>
    /// <param name="categories">The categories, in the encoder's order.</param>
    public string OneHot(string text, IReadOnlyList<string> categories) => MlNode("OneHotEncoder", [text], ("cats_strings", categories.ToArray()), ("zeros", 1L));

    /// <summary>Adds a node of ONNX's traditional-ML domain (<c>ai.onnx.ml</c>) with one output, and declares the domain.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="inputs">Input names.</param>
    /// <param name="attributes">As in <see cref="Node"/>, and string[] values.</param>
    public string MlNode(string op, string[] inputs, params (string Name, object Value)[] attributes)
    {
        usesMl = true;
        var node = Nodes(op, inputs, 1, null, attributes)[0];
        graph.Node[^1].Domain = MlDomain;
        return node;
    }

    /// <summary>Declares <paramref name="value"/> a float output named <paramref name="name"/>.</summary>
    /// <param name="value">A value computed by the graph.</param>
    /// <param name="name">The output's name.</param>
    /// <param name="dims">As in <see cref="Input"/>.</param>
    public void Output(string value, string name, params object[] dims)
    {
        Node("Identity", [value], name);
        graph.Output.Add(Value(name, dims));
    }

    /// <summary>A float initializer.</summary>
    /// <param name="values">Row-major values.</param>
    /// <param name="dims">Shape.</param>
    public string Floats(float[] values, params long[] dims)
    {
        var tensor = Initializer("w", TensorProto.Types.DataType.Float, dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor.Name;
    }

    /// <summary>A double initializer of one dimension.</summary>
    /// <param name="values">The values.</param>
    public string Doubles(double[] values)
    {
        var tensor = Initializer("d", TensorProto.Types.DataType.Double, [values.Length]);
        tensor.DoubleData.AddRange(values);
        return tensor.Name;
    }

    /// <summary>A double scalar initializer.</summary>
    /// <param name="value">The value.</param>
    public string Double(double value)
    {
        var tensor = Initializer("d", TensorProto.Types.DataType.Double, []);
        tensor.DoubleData.Add(value);
        return tensor.Name;
    }

    /// <summary>An int64 initializer (shapes, axes, indices).</summary>
    /// <param name="values">The values, one dimension.</param>
    public string Longs(params long[] values)
    {
        var tensor = Initializer("i", TensorProto.Types.DataType.Int64, [values.Length]);
        tensor.Int64Data.AddRange(values);
        return tensor.Name;
    }

    /// <summary>A float scalar initializer.</summary>
    /// <param name="value">The value.</param>
    public string Scalar(float value)
    {
        var tensor = Initializer("s", TensorProto.Types.DataType.Float, []);
        tensor.FloatData.Add(value);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output; returns the output's name.</summary>
    /// <param name="op">The operator (ONNX's default domain).</param>
    /// <param name="inputs">Input names; an empty string skips an optional input.</param>
    /// <param name="output">The output's name; a fresh one when null.</param>
    /// <param name="attributes">Attributes: long, float, string, long[] or float[] values.</param>
    public string Node(string op, string[] inputs, string? output = null, params (string Name, object Value)[] attributes) =>
        Nodes(op, inputs, 1, output, attributes)[0];

    /// <summary>Adds a node with several outputs.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="inputs">Input names.</param>
    /// <param name="outputs">How many outputs.</param>
    /// <param name="output">The first output's name; fresh ones when null.</param>
    /// <param name="attributes">As in <see cref="Node"/>.</param>
    public string[] Nodes(string op, string[] inputs, int outputs, string? output = null, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => i == 0 && output is not null ? output : Fresh(op.ToLowerInvariant())).ToArray();
        node.Output.AddRange(names);
        foreach (var (name, value) in attributes)
        {
            node.Attribute.Add(Attribute(name, value));
        }

        graph.Node.Add(node);
        return names;
    }

    /// <summary>(values - mean) / std over the last axis in double precision, as <see cref="Data.Standardizer.Transform"/> computes it, clipped, as float.</summary>
    /// <param name="values">Raw values, channels last.</param>
    /// <param name="scaler">The fitted scaler.</param>
    public string Standardized(string values, Data.Standardizer scaler)
    {
        var asDouble = Node("Cast", [values], null, ("to", (long)TensorProto.Types.DataType.Double));
        var scaled = Node("Div", [Node("Sub", [asDouble, Doubles(scaler.Mean)]), Doubles(scaler.Std)]);
        var clipped = Node("Clip", [scaled, Double(-Data.Standardizer.MaxScaled), Double(Data.Standardizer.MaxScaled)]);
        return Node("Cast", [clipped], null, ("to", (long)TensorProto.Types.DataType.Float));
    }

    /// <summary>
    /// Per step the mean over the watched channels of <paramref name="squared"/> (batch, steps, channels), and per window the
    /// mean over steps: the step errors and window score every window model reports.
    /// </summary>
    /// <param name="squared">Squared errors, (batch, steps, channels).</param>
    /// <param name="watched">The watched channels; null for all.</param>
    public (string Steps, string Score) WatchedErrors(string squared, IEnumerable<int>? watched)
    {
        var kept = watched is null ? squared : Node("Gather", [squared, Longs([.. watched.Select(i => (long)i)])], null, ("axis", 2L));
        var steps = Node("ReduceMean", [kept], null, ("axes", new long[] { 2 }), ("keepdims", 0L));
        return (steps, Node("ReduceMean", [steps], null, ("axes", new long[] { 1 }), ("keepdims", 0L)));
    }

    /// <summary>The finished model.</summary>
    /// <param name="metadata">Key-value pairs stored in the model (channel order, thresholds, ...).</param>
    /// <param name="description">The model's doc string.</param>
    public ModelProto ToModel(IReadOnlyDictionary<string, string> metadata, string description)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "vae-anomaly",
            ProducerVersion = Persistence.DetectorBundle.ToolVersion,
            DocString = description,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (usesMl)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MlDomain, Version = MlOpset });
        }

        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private string Fresh(string prefix) => $"{prefix}_{next++}";

    /// <summary>A new initializer of a type and shape (none: a scalar), added to the graph; the caller fills its values.</summary>
    private TensorProto Initializer(string prefix, TensorProto.Types.DataType type, long[] dims)
    {
        var tensor = new TensorProto { Name = Fresh(prefix), DataType = (int)type };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return tensor;
    }

    private static ValueInfoProto Value(string name, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i:
                (a.Type, a.I) = (AttributeProto.Types.AttributeType.Int, i);
                break;
            case long l:
                (a.Type, a.I) = (AttributeProto.Types.AttributeType.Int, l);
                break;
            case float f:
                (a.Type, a.F) = (AttributeProto.Types.AttributeType.Float, f);
                break;
            case string s:
                (a.Type, a.S) = (AttributeProto.Types.AttributeType.String, ByteString.CopyFromUtf8(s));
                break;
            case long[] ls:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.AddRange(ls);
                break;
            case float[] fs:
                a.Type = AttributeProto.Types.AttributeType.Floats;
                a.Floats.AddRange(fs);
                break;
            case string[] ss:
                a.Type = AttributeProto.Types.AttributeType.Strings;
                a.Strings.AddRange(ss.Select(ByteString.CopyFromUtf8));
                break;
            default:
                throw new ArgumentException($"Attribute {name}: unsupported value type {value.GetType().Name}.", nameof(value));
        }

        return a;
    }
}
