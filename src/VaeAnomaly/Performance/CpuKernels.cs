using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeAnomaly.Performance;

/// <summary>
/// The few dense kernels the fused GRU-VAE inference pass needs, on row-major float arrays with 256-bit
/// vectors: a register-blocked matrix product with bias, and the GRU gate update. Sizes here are small (a
/// few hundred rows, at most 192 columns), where a call into libtorch per operation costs more than the
/// arithmetic.
/// </summary>
internal static class CpuKernels
{
    private const int Lanes = 8;   // floats per Vector256
    private const int Block = 24;  // columns per register block: 3 vectors
    private const int WideLanes = 16;   // floats per Vector512
    private const int WideBlock = 48;   // columns per 512-bit register block: 3 vectors

    /// <summary>
    /// Whether products use 512-bit register blocks: where the runtime accelerates Vector512 (AVX-512), which .NET's own
    /// <c>DOTNET_EnableAVX512F=0</c> turns off. Blocks of 48 columns cover the GRU-VAE's gate widths (96, 192) whole.
    /// </summary>
    private static readonly bool Wide = Vector512.IsHardwareAccelerated;
    private const int Rows = 4;    // rows per register block

    /// <summary>
    /// c[i, j] = bias[j] + sum_p a[i, p] w[p, j] for i &lt; m, j &lt; n: <paramref name="a"/> rows
    /// <paramref name="lda"/> apart, <paramref name="w"/> (k, n) dense, <paramref name="c"/> rows
    /// <paramref name="ldc"/> apart. <paramref name="bias"/> may be empty (zero). With
    /// <paramref name="accumulate"/>, c's old value is added too.
    /// </summary>
    public static void MatMulBias(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> c, int ldc, int m, int n, int k, bool accumulate = false)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if ((long)(m - 1) * lda + k > a.Length)
        {
            throw new ArgumentException($"MatMulBias: a is too short for {m} rows of {k}, {lda} apart.");
        }

        Product(a, (nuint)lda, 1, w, bias, c, ldc, m, n, k, accumulate);
    }

    /// <summary>
    /// c[i, j] (+)= sum_p a[p, i] w[p, j]: the product of A transposed, for A (k, m) with rows <paramref name="lda"/>
    /// apart, by W (k, n) dense, into C (m, n) with rows <paramref name="ldc"/> apart; no transposed copy is made.
    /// </summary>
    public static void MatMulTransposedA(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> w, Span<float> c, int ldc, int m, int n, int k, bool accumulate = false)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k > 0 && (long)(k - 1) * lda + m > a.Length)
        {
            throw new ArgumentException($"MatMulTransposedA: a is too short for {k} rows of {m}, {lda} apart.");
        }

        Product(a, 1, (nuint)lda, w, [], c, ldc, m, n, k, accumulate);
    }

    /// <summary>c = bias + A W with element (i, p) of A at a[i rowStep + p colStep].</summary>
    private static void Product(ReadOnlySpan<float> a, nuint rowStep, nuint colStep, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> c, int ldc, int m, int n, int k, bool accumulate)
    {
        if ((long)k * n > w.Length || (long)(m - 1) * ldc + n > c.Length || (bias.Length != 0 && bias.Length < n))
        {
            throw new ArgumentException($"Matrix product: spans too short for ({m} x {k}) x ({k} x {n}).");
        }

        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var w0 = ref MemoryMarshal.GetReference(w);
        ref var c0 = ref MemoryMarshal.GetReference(c);
        var wide = Wide ? n / WideBlock * WideBlock : 0;
        var blocked = Vector256.IsHardwareAccelerated ? wide + ((n - wide) / Block * Block) : 0;
        var i = 0;
        for (; i + Rows <= m; i += Rows)
        {
            for (var j = 0; j < wide; j += WideBlock)
            {
                FourByWideBlock(ref a0, rowStep, colStep, ref w0, n, bias, ref c0, ldc, i, j, k, accumulate);
            }

            for (var j = wide; j < blocked; j += Block)
            {
                FourByBlock(ref a0, rowStep, colStep, ref w0, n, bias, ref c0, ldc, i, j, k, accumulate);
            }

            var eights = Vector256.IsHardwareAccelerated ? n / Lanes * Lanes : 0;
            for (var j = blocked; j < eights; j += Lanes)
            {
                FourByEight(ref a0, rowStep, colStep, ref w0, n, bias, ref c0, ldc, i, j, k, accumulate);
            }

            for (var r = i; r < i + Rows; r++)
            {
                RowTail(ref a0, rowStep, colStep, ref w0, n, bias, ref c0, ldc, r, eights, k, accumulate);
            }
        }

        for (; i < m; i++)
        {
            RowTail(ref a0, rowStep, colStep, ref w0, n, bias, ref c0, ldc, i, 0, k, accumulate);
        }
    }

    /// <summary>
    /// One GRU step for <paramref name="rows"/> rows: with gx = W_ih x + b_ih and gh = W_hh h + b_hh laid out as
    /// (rows, 3H) in PyTorch's gate order (reset, update, new), r = sigmoid(gx_r + gh_r), z = sigmoid(gx_z + gh_z),
    /// n = tanh(gx_n + r gh_n), h = (1 - z) n + z h, in place.
    /// </summary>
    /// <param name="gx">Input projections, rows <paramref name="ldgx"/> apart.</param>
    /// <param name="ldgx">Row stride of <paramref name="gx"/>.</param>
    /// <param name="gh">State projections (rows, 3H).</param>
    /// <param name="h">State (rows, H), updated.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="hidden">H.</param>
    /// <param name="gates">When not empty, (rows, 3H) receives r, z and n for the backward pass.</param>
    public static void GruGates(ReadOnlySpan<float> gx, int ldgx, ReadOnlySpan<float> gh, Span<float> h, int rows, int hidden, Span<float> gates = default)
    {
        var keep = !gates.IsEmpty;
        if (keep && gates.Length < rows * 3 * hidden)
        {
            throw new ArgumentException($"GruGates: the gate record is too short for {rows} rows of {hidden} units.", nameof(gates));
        }

        ref var k0 = ref MemoryMarshal.GetReference(gates);
        var g = 3 * hidden;
        if ((long)(rows - 1) * ldgx + g > gx.Length || (long)rows * g > gh.Length || (long)rows * hidden > h.Length)
        {
            throw new ArgumentException($"GruGates: spans too short for {rows} rows of {hidden} units.");
        }

        ref var x0 = ref MemoryMarshal.GetReference(gx);
        ref var g0 = ref MemoryMarshal.GetReference(gh);
        ref var h0 = ref MemoryMarshal.GetReference(h);
        var vectorised = Vector256.IsHardwareAccelerated ? hidden / Lanes * Lanes : 0;
        for (var r = 0; r < rows; r++)
        {
            var xo = (nuint)(r * ldgx);
            var go = (nuint)(r * g);
            var ho = (nuint)(r * hidden);
            var j = 0;
            for (; j < vectorised; j += Lanes)
            {
                var u = (nuint)j;
                var reset = Sigmoid(Vector256.LoadUnsafe(ref x0, xo + u) + Vector256.LoadUnsafe(ref g0, go + u));
                var update = Sigmoid(Vector256.LoadUnsafe(ref x0, xo + (nuint)hidden + u) + Vector256.LoadUnsafe(ref g0, go + (nuint)hidden + u));
                var candidate = Tanh(Vector256.LoadUnsafe(ref x0, xo + (nuint)(2 * hidden) + u) + (reset * Vector256.LoadUnsafe(ref g0, go + (nuint)(2 * hidden) + u)));
                var state = candidate + (update * (Vector256.LoadUnsafe(ref h0, ho + u) - candidate));
                state.StoreUnsafe(ref h0, ho + u);
                if (keep)
                {
                    reset.StoreUnsafe(ref k0, go + u);
                    update.StoreUnsafe(ref k0, go + (nuint)hidden + u);
                    candidate.StoreUnsafe(ref k0, go + (nuint)(2 * hidden) + u);
                }
            }

            for (; j < hidden; j++)
            {
                var reset = 1f / (1f + MathF.Exp(-(gx[(int)xo + j] + gh[(int)go + j])));
                var update = 1f / (1f + MathF.Exp(-(gx[(int)xo + hidden + j] + gh[(int)go + hidden + j])));
                var candidate = MathF.Tanh(gx[(int)xo + (2 * hidden) + j] + (reset * gh[(int)go + (2 * hidden) + j]));
                h[(int)ho + j] = candidate + (update * (h[(int)ho + j] - candidate));
                if (keep)
                {
                    (gates[(int)go + j], gates[(int)go + hidden + j], gates[(int)go + (2 * hidden) + j]) = (reset, update, candidate);
                }
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="GruGates"/> for <paramref name="rows"/> rows: from dL/dh_t (<paramref name="dh"/>), the
    /// previous state and the recorded gates r, z, n and state projection gh, the gradients of the input projection
    /// (dgx = [dr', dz', dn']), of the state projection (dgh = [dr', dz', r dn']) with dr' = dr r(1 - r),
    /// dz' = dz z(1 - z), dn' = dn (1 - n^2), dn = dh (1 - z), dz = dh (h - n), dr = dn' gh_n; and the direct part
    /// of dL/dh_{t-1}, dh z (the part through gh is dgh W_hh, left to the caller).
    /// </summary>
    public static void GruGatesBackward(ReadOnlySpan<float> dh, ReadOnlySpan<float> previous, ReadOnlySpan<float> gates, ReadOnlySpan<float> gh,
        Span<float> dgx, Span<float> dgh, Span<float> dPrevious, int rows, int hidden)
    {
        var g = 3 * hidden;
        if (dh.Length < rows * hidden || previous.Length < rows * hidden || gates.Length < rows * g || gh.Length < rows * g
            || dgx.Length < rows * g || dgh.Length < rows * g || dPrevious.Length < rows * hidden)
        {
            throw new ArgumentException($"GruGatesBackward: spans too short for {rows} rows of {hidden} units.");
        }

        ref var dh0 = ref MemoryMarshal.GetReference(dh);
        ref var p0 = ref MemoryMarshal.GetReference(previous);
        ref var k0 = ref MemoryMarshal.GetReference(gates);
        ref var gh0 = ref MemoryMarshal.GetReference(gh);
        ref var dx0 = ref MemoryMarshal.GetReference(dgx);
        ref var dg0 = ref MemoryMarshal.GetReference(dgh);
        ref var dp0 = ref MemoryMarshal.GetReference(dPrevious);
        var vectorised = Vector256.IsHardwareAccelerated ? hidden / Lanes * Lanes : 0;
        var one = Vector256<float>.One;
        for (var row = 0; row < rows; row++)
        {
            var ho = (nuint)(row * hidden);
            var go = (nuint)(row * g);
            var (hn, hz) = ((nuint)hidden, (nuint)(2 * hidden));
            var j = 0;
            for (; j < vectorised; j += Lanes)
            {
                var u = (nuint)j;
                var d = Vector256.LoadUnsafe(ref dh0, ho + u);
                var r = Vector256.LoadUnsafe(ref k0, go + u);
                var z = Vector256.LoadUnsafe(ref k0, go + hn + u);
                var n = Vector256.LoadUnsafe(ref k0, go + hz + u);
                var dn = d * (one - z) * (one - (n * n));
                var dz = d * (Vector256.LoadUnsafe(ref p0, ho + u) - n) * z * (one - z);
                var dr = dn * Vector256.LoadUnsafe(ref gh0, go + hz + u) * r * (one - r);
                dr.StoreUnsafe(ref dx0, go + u);
                dz.StoreUnsafe(ref dx0, go + hn + u);
                dn.StoreUnsafe(ref dx0, go + hz + u);
                dr.StoreUnsafe(ref dg0, go + u);
                dz.StoreUnsafe(ref dg0, go + hn + u);
                (dn * r).StoreUnsafe(ref dg0, go + hz + u);
                (d * z).StoreUnsafe(ref dp0, ho + u);
            }

            for (; j < hidden; j++)
            {
                var (o, q) = ((int)ho + j, (int)go + j);
                var (d, r, z, n) = (dh[o], gates[q], gates[q + hidden], gates[q + (2 * hidden)]);
                var dn = d * (1 - z) * (1 - (n * n));
                var dz = d * (previous[o] - n) * z * (1 - z);
                var dr = dn * gh[q + (2 * hidden)] * r * (1 - r);
                (dgx[q], dgx[q + hidden], dgx[q + (2 * hidden)]) = (dr, dz, dn);
                (dgh[q], dgh[q + hidden], dgh[q + (2 * hidden)]) = (dr, dz, dn * r);
                dPrevious[o] = d * z;
            }
        }
    }

    /// <summary>destination (cols, rows) = source (rows, cols) transposed.</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        if (source.Length < rows * cols || destination.Length < rows * cols)
        {
            throw new ArgumentException($"Transpose: spans too short for {rows} x {cols}.");
        }

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                destination[(j * rows) + i] = source[(i * cols) + j];
            }
        }
    }

    /// <summary>sums[j] += sum over rows of m[i, j] for (rows, cols) dense <paramref name="m"/>.</summary>
    public static void AddColumnSums(ReadOnlySpan<float> m, int rows, int cols, Span<float> sums)
    {
        for (var i = 0; i < rows; i++)
        {
            Add(sums[..cols], m.Slice(i * cols, cols), sums);
        }
    }

    /// <summary>destination = a + b, element by element.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
    {
        if (a.Length != b.Length || destination.Length < a.Length)
        {
            throw new ArgumentException($"Add: lengths {a.Length}, {b.Length} and {destination.Length} do not match.");
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var a0 = ref MemoryMarshal.GetReference(a);
            ref var b0 = ref MemoryMarshal.GetReference(b);
            ref var d0 = ref MemoryMarshal.GetReference(destination);
            for (; i + Lanes <= a.Length; i += Lanes)
            {
                (Vector256.LoadUnsafe(ref a0, (nuint)i) + Vector256.LoadUnsafe(ref b0, (nuint)i)).StoreUnsafe(ref d0, (nuint)i);
            }
        }

        for (; i < a.Length; i++)
        {
            destination[i] = a[i] + b[i];
        }
    }

    /// <summary>
    /// exp(x) for float lanes to within 3e-7 relative (tested against <see cref="Math.Exp(double)"/>), about seven
    /// times faster than <see cref="Vector256.Exp(Vector256{float})"/>, which works in double precision: x is
    /// clamped to [-87.3, 88.3] (the normal float range), split as k ln 2 + r with |r| &lt;= ln 2 / 2 (ln 2 in two
    /// parts, Cody and Waite), exp(r) from a degree-6 polynomial (the Cephes <c>expf</c> coefficients), and 2^k
    /// put into the exponent bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.3f));
        var k = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        var r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(k, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.3981999507e-3f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(k) + Vector256.Create(127), 23).AsSingle();
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>tanh(|x|) = (1 - e) / (1 + e) with e = exp(-2|x|), which cannot overflow; the sign restored after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tanh(Vector256<float> x)
    {
        var e = Exp(Vector256.Create(-2f) * Vector256.Abs(x));
        var t = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -t, t);
    }

    /// <summary>Rows i..i+3, columns j..j+23: twelve accumulators, one broadcast per row and three loads of w per p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByBlock(ref float a, nuint rowStep, nuint colStep, ref float w, int n, ReadOnlySpan<float> bias, ref float c, int ldc, int i, int j, int k, bool accumulate)
    {
        var b0 = bias.IsEmpty ? Vector256<float>.Zero : Vector256.Create(bias.Slice(j, Lanes));
        var b1 = bias.IsEmpty ? Vector256<float>.Zero : Vector256.Create(bias.Slice(j + Lanes, Lanes));
        var b2 = bias.IsEmpty ? Vector256<float>.Zero : Vector256.Create(bias.Slice(j + (2 * Lanes), Lanes));
        Vector256<float> c00 = b0, c01 = b1, c02 = b2, c10 = b0, c11 = b1, c12 = b2;
        Vector256<float> c20 = b0, c21 = b1, c22 = b2, c30 = b0, c31 = b1, c32 = b2;
        if (accumulate)
        {
            var q = (nuint)((i * ldc) + j);
            c00 += Vector256.LoadUnsafe(ref c, q);
            c01 += Vector256.LoadUnsafe(ref c, q + Lanes);
            c02 += Vector256.LoadUnsafe(ref c, q + (2 * Lanes));
            q += (nuint)ldc;
            c10 += Vector256.LoadUnsafe(ref c, q);
            c11 += Vector256.LoadUnsafe(ref c, q + Lanes);
            c12 += Vector256.LoadUnsafe(ref c, q + (2 * Lanes));
            q += (nuint)ldc;
            c20 += Vector256.LoadUnsafe(ref c, q);
            c21 += Vector256.LoadUnsafe(ref c, q + Lanes);
            c22 += Vector256.LoadUnsafe(ref c, q + (2 * Lanes));
            q += (nuint)ldc;
            c30 += Vector256.LoadUnsafe(ref c, q);
            c31 += Vector256.LoadUnsafe(ref c, q + Lanes);
            c32 += Vector256.LoadUnsafe(ref c, q + (2 * Lanes));
        }

        var r0 = (nuint)i * rowStep;
        var r1 = r0 + rowStep;
        var r2 = r1 + rowStep;
        var r3 = r2 + rowStep;
        var wp = (nuint)j;
        var ap = (nuint)0;
        for (var p = 0; p < k; p++, wp += (nuint)n, ap += colStep)
        {
            var w0 = Vector256.LoadUnsafe(ref w, wp);
            var w1 = Vector256.LoadUnsafe(ref w, wp + Lanes);
            var w2 = Vector256.LoadUnsafe(ref w, wp + (2 * Lanes));
            var x = Vector256.Create(Unsafe.Add(ref a, r0 + ap));
            c00 = Vector256.FusedMultiplyAdd(x, w0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, w1, c01);
            c02 = Vector256.FusedMultiplyAdd(x, w2, c02);
            x = Vector256.Create(Unsafe.Add(ref a, r1 + ap));
            c10 = Vector256.FusedMultiplyAdd(x, w0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, w1, c11);
            c12 = Vector256.FusedMultiplyAdd(x, w2, c12);
            x = Vector256.Create(Unsafe.Add(ref a, r2 + ap));
            c20 = Vector256.FusedMultiplyAdd(x, w0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, w1, c21);
            c22 = Vector256.FusedMultiplyAdd(x, w2, c22);
            x = Vector256.Create(Unsafe.Add(ref a, r3 + ap));
            c30 = Vector256.FusedMultiplyAdd(x, w0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, w1, c31);
            c32 = Vector256.FusedMultiplyAdd(x, w2, c32);
        }

        var o = (nuint)((i * ldc) + j);
        c00.StoreUnsafe(ref c, o);
        c01.StoreUnsafe(ref c, o + Lanes);
        c02.StoreUnsafe(ref c, o + (2 * Lanes));
        o += (nuint)ldc;
        c10.StoreUnsafe(ref c, o);
        c11.StoreUnsafe(ref c, o + Lanes);
        c12.StoreUnsafe(ref c, o + (2 * Lanes));
        o += (nuint)ldc;
        c20.StoreUnsafe(ref c, o);
        c21.StoreUnsafe(ref c, o + Lanes);
        c22.StoreUnsafe(ref c, o + (2 * Lanes));
        o += (nuint)ldc;
        c30.StoreUnsafe(ref c, o);
        c31.StoreUnsafe(ref c, o + Lanes);
        c32.StoreUnsafe(ref c, o + (2 * Lanes));
    }

    /// <summary>As <see cref="FourByBlock"/> with 512-bit vectors: rows i..i+3, columns j..j+47, twelve accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByWideBlock(ref float a, nuint rowStep, nuint colStep, ref float w, int n, ReadOnlySpan<float> bias, ref float c, int ldc, int i, int j, int k, bool accumulate)
    {
        var b0 = bias.IsEmpty ? Vector512<float>.Zero : Vector512.Create(bias.Slice(j, WideLanes));
        var b1 = bias.IsEmpty ? Vector512<float>.Zero : Vector512.Create(bias.Slice(j + WideLanes, WideLanes));
        var b2 = bias.IsEmpty ? Vector512<float>.Zero : Vector512.Create(bias.Slice(j + (2 * WideLanes), WideLanes));
        Vector512<float> c00 = b0, c01 = b1, c02 = b2, c10 = b0, c11 = b1, c12 = b2;
        Vector512<float> c20 = b0, c21 = b1, c22 = b2, c30 = b0, c31 = b1, c32 = b2;
        if (accumulate)
        {
            var q = (nuint)((i * ldc) + j);
            c00 += Vector512.LoadUnsafe(ref c, q);
            c01 += Vector512.LoadUnsafe(ref c, q + WideLanes);
            c02 += Vector512.LoadUnsafe(ref c, q + (2 * WideLanes));
            q += (nuint)ldc;
            c10 += Vector512.LoadUnsafe(ref c, q);
            c11 += Vector512.LoadUnsafe(ref c, q + WideLanes);
            c12 += Vector512.LoadUnsafe(ref c, q + (2 * WideLanes));
            q += (nuint)ldc;
            c20 += Vector512.LoadUnsafe(ref c, q);
            c21 += Vector512.LoadUnsafe(ref c, q + WideLanes);
            c22 += Vector512.LoadUnsafe(ref c, q + (2 * WideLanes));
            q += (nuint)ldc;
            c30 += Vector512.LoadUnsafe(ref c, q);
            c31 += Vector512.LoadUnsafe(ref c, q + WideLanes);
            c32 += Vector512.LoadUnsafe(ref c, q + (2 * WideLanes));
        }

        var r0 = (nuint)i * rowStep;
        var r1 = r0 + rowStep;
        var r2 = r1 + rowStep;
        var r3 = r2 + rowStep;
        var wp = (nuint)j;
        var ap = (nuint)0;
        for (var p = 0; p < k; p++, wp += (nuint)n, ap += colStep)
        {
            var w0 = Vector512.LoadUnsafe(ref w, wp);
            var w1 = Vector512.LoadUnsafe(ref w, wp + WideLanes);
            var w2 = Vector512.LoadUnsafe(ref w, wp + (2 * WideLanes));
            var x = Vector512.Create(Unsafe.Add(ref a, r0 + ap));
            c00 = Vector512.FusedMultiplyAdd(x, w0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, w1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, w2, c02);
            x = Vector512.Create(Unsafe.Add(ref a, r1 + ap));
            c10 = Vector512.FusedMultiplyAdd(x, w0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, w1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, w2, c12);
            x = Vector512.Create(Unsafe.Add(ref a, r2 + ap));
            c20 = Vector512.FusedMultiplyAdd(x, w0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, w1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, w2, c22);
            x = Vector512.Create(Unsafe.Add(ref a, r3 + ap));
            c30 = Vector512.FusedMultiplyAdd(x, w0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, w1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, w2, c32);
        }

        var o = (nuint)((i * ldc) + j);
        c00.StoreUnsafe(ref c, o);
        c01.StoreUnsafe(ref c, o + WideLanes);
        c02.StoreUnsafe(ref c, o + (2 * WideLanes));
        o += (nuint)ldc;
        c10.StoreUnsafe(ref c, o);
        c11.StoreUnsafe(ref c, o + WideLanes);
        c12.StoreUnsafe(ref c, o + (2 * WideLanes));
        o += (nuint)ldc;
        c20.StoreUnsafe(ref c, o);
        c21.StoreUnsafe(ref c, o + WideLanes);
        c22.StoreUnsafe(ref c, o + (2 * WideLanes));
        o += (nuint)ldc;
        c30.StoreUnsafe(ref c, o);
        c31.StoreUnsafe(ref c, o + WideLanes);
        c32.StoreUnsafe(ref c, o + (2 * WideLanes));
    }

    /// <summary>Rows i..i+3, columns j..j+7: four accumulators, for the columns left after the blocks of 24.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByEight(ref float a, nuint rowStep, nuint colStep, ref float w, int n, ReadOnlySpan<float> bias, ref float c, int ldc, int i, int j, int k, bool accumulate)
    {
        var b0 = bias.IsEmpty ? Vector256<float>.Zero : Vector256.Create(bias.Slice(j, Lanes));
        var o = (nuint)((i * ldc) + j);
        var step = (nuint)ldc;
        Vector256<float> c0 = b0, c1 = b0, c2 = b0, c3 = b0;
        if (accumulate)
        {
            c0 += Vector256.LoadUnsafe(ref c, o);
            c1 += Vector256.LoadUnsafe(ref c, o + step);
            c2 += Vector256.LoadUnsafe(ref c, o + (2 * step));
            c3 += Vector256.LoadUnsafe(ref c, o + (3 * step));
        }

        var r0 = (nuint)i * rowStep;
        var r1 = r0 + rowStep;
        var r2 = r1 + rowStep;
        var r3 = r2 + rowStep;
        var wp = (nuint)j;
        var ap = (nuint)0;
        for (var p = 0; p < k; p++, wp += (nuint)n, ap += colStep)
        {
            var w0 = Vector256.LoadUnsafe(ref w, wp);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a, r0 + ap)), w0, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a, r1 + ap)), w0, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a, r2 + ap)), w0, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a, r3 + ap)), w0, c3);
        }

        c0.StoreUnsafe(ref c, o);
        c1.StoreUnsafe(ref c, o + step);
        c2.StoreUnsafe(ref c, o + (2 * step));
        c3.StoreUnsafe(ref c, o + (3 * step));
    }

    /// <summary>Row <paramref name="i"/>, columns from <paramref name="from"/>: 8 at a time, then one at a time.</summary>
    private static void RowTail(ref float a, nuint rowStep, nuint colStep, ref float w, int n, ReadOnlySpan<float> bias, ref float c, int ldc, int i, int from, int k, bool accumulate)
    {
        var row = (nuint)i * rowStep;
        var j = from;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + Lanes <= n; j += Lanes)
            {
                var acc = bias.IsEmpty ? Vector256<float>.Zero : Vector256.Create(bias.Slice(j, Lanes));
                if (accumulate)
                {
                    acc += Vector256.LoadUnsafe(ref c, (nuint)((i * ldc) + j));
                }

                for (var p = 0; p < k; p++)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a, row + ((nuint)p * colStep))), Vector256.LoadUnsafe(ref w, (nuint)((p * n) + j)), acc);
                }

                acc.StoreUnsafe(ref c, (nuint)((i * ldc) + j));
            }
        }

        for (; j < n; j++)
        {
            var sum = (bias.IsEmpty ? 0f : bias[j]) + (accumulate ? Unsafe.Add(ref c, (nuint)((i * ldc) + j)) : 0f);
            for (var p = 0; p < k; p++)
            {
                sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, row + ((nuint)p * colStep)), Unsafe.Add(ref w, (nuint)((p * n) + j)), sum);
            }

            Unsafe.Add(ref c, (nuint)((i * ldc) + j)) = sum;
        }
    }
}

/// <summary>
/// Cuts a batch into chunks of <see cref="Rows"/> rows, each run whole on one thread: rows of a recurrent pass are
/// independent, and a chunk's activations stay in the core's cache across time steps where a half batch's do not.
/// </summary>
internal static class RowChunks
{
    /// <summary>Rows per chunk (a multiple of the kernels' four-row blocks).</summary>
    public const int Rows = 32;

    /// <summary>Chunks of a batch.</summary>
    public static int Count(int batch) => (batch + Rows - 1) / Rows;

    /// <summary>Runs <paramref name="chunk"/>(index, first row, rows) for every chunk, on up to <paramref name="workers"/> threads.</summary>
    public static void Run(int batch, int workers, Action<int, int, int> chunk)
    {
        var count = Count(batch);
        if (workers <= 1 || count == 1)
        {
            for (var k = 0; k < count; k++)
            {
                chunk(k, k * Rows, Math.Min(Rows, batch - (k * Rows)));
            }

            return;
        }

        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = workers }, k => chunk(k, k * Rows, Math.Min(Rows, batch - (k * Rows))));
    }
}
