using System;
using System.Text;

namespace KernelDiscipline.Benchmarks;

/// <summary>
/// Generates C# that uses the Runtime the way kernel-style code does, at a chosen density of tracked calls, so the
/// analyzers' cost can be measured against the compiler's on the same text.
/// </summary>
internal static class CorpusGenerator
{
    private const string Header = "using System;\nusing KernelDiscipline.Runtime;\n\n";

    /// <summary><paramref name="methods"/> methods; a share <paramref name="density"/> of them call the annotated API.</summary>
    public static string Corpus(int methods, double density, int seed = 1, string className = "Corpus")
    {
        var text = new StringBuilder(Header).Append($"public sealed class {className}\n{{\n");
        text.Append("    private int counter;\n    private static int Work(int x) => (x * 31) ^ (x >> 3);\n\n");
        var picks = Picks(methods, density, seed);
        for (int i = 0; i < methods; i++)
        {
            text.Append(picks[i] ? TrackedMethod(i, i % TrackedShapes) : PlainMethod(i, i % 7));
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>How many methods of <see cref="Corpus"/> with the same arguments call the annotated API.</summary>
    public static int TrackedCount(int methods, double density, int seed = 1) => Array.FindAll(Picks(methods, density, seed), tracked => tracked).Length;

    private static bool[] Picks(int methods, double density, int seed)
    {
        var random = new Random(seed);
        var picks = new bool[methods];
        for (int i = 0; i < methods; i++)
        {
            picks[i] = random.NextDouble() < density;
        }

        return picks;
    }

    /// <summary><paramref name="count"/> methods of about <paramref name="statements"/> statements: an acquire/check/release every eight.</summary>
    public static string LongMethods(int statements, int count)
    {
        var text = new StringBuilder(Header).Append("public sealed class Long\n{\n    private static int Work(int x) => (x * 31) ^ (x >> 3);\n\n");
        for (int m = 0; m < count; m++)
        {
            LongMethod(text, m, statements);
        }

        return text.Append("}\n").ToString();
    }

    private static void LongMethod(StringBuilder text, int m, int statements)
    {
        text.Append($"    public int Run{m}(Pmd pmd, ulong addr, int seed)\n    {{\n        int acc = seed;\n");
        for (int i = 0; i < statements / 8; i++)
        {
            text.Append($"        var pte{i} = pmd.MapLock(addr);\n");
            text.Append($"        if (pte{i} is null)\n            return -Errno.EAGAIN;\n");
            text.Append($"        acc = Work(acc + {i});\n");
            text.Append($"        if (acc > {i * 7})\n            acc -= {i};\n");
            text.Append($"        pte{i}.Write(addr, null);\n");
            text.Append($"        pte{i}.Unlock();\n");
        }

        text.Append("        return acc;\n    }\n\n");
    }

    /// <summary>
    /// One method of about <paramref name="lines"/> lines made of repeated blocks of every kind the engine follows:
    /// a map whose failure is silently skipped (its failure partition lives on), a retry loop, a switch taking a
    /// sleeping lock, and try/catch/finally around a spinning lock. Interpreter loops and generated code look so.
    /// </summary>
    public static string UglyLongMethod(int lines)
    {
        var text = new StringBuilder(Header).Append("public sealed class Ugly\n{\n    private static int Work(int x) => (x * 31) ^ (x >> 3);\n\n");
        text.Append("    public int Run(MmStruct mm, Pmd pmd, TicketLock ptl, ulong addr, int seed)\n    {\n        int acc = seed;\n");
        for (int i = 0; i * 24 < lines; i++)
        {
            text.Append($"        var pte{i} = pmd.MapLock(addr);\n");
            text.Append($"        if (pte{i} != null)\n        {{\n            acc += pte{i}.Read() is null ? {i} : 1;\n            pte{i}.Unlock();\n        }}\n");
            text.Append($"        for (int r{i} = 0; r{i} < 3; r{i}++)\n        {{\n            var p{i} = pmd.MapLock(addr);\n            if (p{i} is null)\n                continue;\n");
            text.Append($"            acc = Work(acc);\n            p{i}.Unlock();\n            break;\n        }}\n");
            text.Append($"        switch (acc & 3)\n        {{\n            case 0: mm.MmapLock.DownRead(); acc = Work(acc); mm.MmapLock.UpRead(); break;\n            case 1: acc++; break;\n            default: acc--; break;\n        }}\n");
            text.Append($"        try\n        {{\n            ptl.Lock();\n            try {{ acc = Work(acc + {i}); }} finally {{ ptl.Unlock(); }}\n        }}\n        catch (InvalidOperationException) {{ acc = -{i}; }}\n");
        }

        return text.Append("        return acc;\n    }\n}\n").ToString();
    }

    /// <summary>One method of about <paramref name="lines"/> lines of labels and gotos around maps (kernel error-path style).</summary>
    public static string GotoLongMethod(int lines)
    {
        var text = new StringBuilder(Header).Append("public sealed class Gotos\n{\n    private static int Work(int x) => (x * 31) ^ (x >> 3);\n\n");
        text.Append("    public int Run(Pmd pmd, ulong addr, int seed)\n    {\n        int acc = seed, tries = 0, ret = 0;\n        PteMap? pte;\n");
        for (int i = 0; i * 12 < lines; i++)
        {
            text.Append($"    again{i}:\n        pte = pmd.MapLock(addr);\n        if (pte is null)\n        {{\n            if (++tries < 3)\n                goto again{i};\n            ret = -Errno.EAGAIN;\n            goto out_;\n        }}\n");
            text.Append($"        acc = Work(acc + {i});\n        pte.Unlock();\n        if (acc > {i * 13})\n            goto skip{i};\n        acc = Work(acc);\n    skip{i}:\n        tries = 0;\n");
        }

        return text.Append("        ret = acc;\n    out_:\n        return ret;\n    }\n}\n").ToString();
    }

    /// <summary><paramref name="count"/> methods with <paramref name="depth"/> nested if/else diamonds around a map held throughout.</summary>
    public static string NestedDiamonds(int depth, int count)
    {
        var text = new StringBuilder(Header).Append("public sealed class Diamonds\n{\n    private static int Work(int x) => (x * 31) ^ (x >> 3);\n\n");
        for (int m = 0; m < count; m++)
        {
            Diamond(text, m, depth);
        }

        return text.Append("}\n").ToString();
    }

    private static void Diamond(StringBuilder text, int m, int depth)
    {
        text.Append($"    public int Run{m}(Pmd pmd, ulong addr, int x)\n    {{\n        var pte = pmd.MapLock(addr);\n        if (pte is null)\n            return -Errno.EAGAIN;\n        int acc = 0;\n");
        for (int d = 0; d < depth; d++)
        {
            text.Append(' ', 8 + (4 * d)).Append($"if ((x & {1 << (d % 30)}) != 0)\n").Append(' ', 8 + (4 * d)).Append("{\n");
            text.Append(' ', 12 + (4 * d)).Append($"acc = Work(acc + {d});\n");
        }

        for (int d = depth - 1; d >= 0; d--)
        {
            text.Append(' ', 8 + (4 * d)).Append("}\n").Append(' ', 8 + (4 * d)).Append("else\n").Append(' ', 8 + (4 * d)).Append("{\n");
            text.Append(' ', 12 + (4 * d)).Append($"acc -= {d};\n").Append(' ', 8 + (4 * d)).Append("}\n");
        }

        text.Append("        pte.Unlock();\n        return acc;\n    }\n\n");
    }

    /// <summary>The kinds of tracked method: map and lock shapes, then the error-path shapes of KD301–KD305.</summary>
    public const int TrackedShapes = 9;

    private static string TrackedMethod(int i, int shape) => shape switch
    {
        0 => $$"""
                public int Straight{{i}}(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                    {
                        pte.Unlock();
                        return -Errno.EEXIST;
                    }
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }

            """,
        1 => $$"""
                public int Retry{{i}}(Pmd pmd, ulong addr)
                {
                    int tries = 0;
                    while (true)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                        {
                            tries++;
                            continue;
                        }
                        pte.Unlock();
                        return tries;
                    }
                }

            """,
        2 => $$"""
                public int Fill{{i}}(Pmd pmd, ulong addr, Folio folio)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                out_:
                    return ret;
                }

            """,
        3 => $$"""
                public int Diamond{{i}}(Pmd pmd, ulong addr, int x)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    int acc = 0;
                    if (x > 1) { if (x > 2) acc = Work(x); else acc = x; } else { if (x < -1) acc = -x; else acc = Work(-x); }
                    if (acc > 10) { acc -= 10; } else { acc += 10; }
                    pte.Unlock();
                    return acc;
                }

            """,
        4 => $$"""
                public int Finally{{i}}(MmStruct mm, ulong addr)
                {
                    mm.MmapLock.DownRead();
                    try
                    {
                        var vma = mm.FindVma(addr);
                        return vma is null ? -Errno.EFAULT : 0;
                    }
                    finally
                    {
                        mm.MmapLock.UpRead();
                    }
                }

            """,
        5 => $$"""
                public int Switch{{i}}(Pmd pmd, ulong addr, int kind)
                {
                    using var pte = pmd.Map(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    switch (kind)
                    {
                        case 0: return 1;
                        case 1: return Work(1);
                        case 2: return Work(2) + 1;
                        case 3: return pte.Read(addr) is null ? 0 : 3;
                        case 4: return Work(4) - 4;
                        case 5: return 5;
                        case 6: return Work(6);
                        case 7: return 7 * kind;
                        default: return 0;
                    }
                }

            """,
        7 => $$"""
                public int ShmemFill{{i}}(ShmemInode inode, long index, Pmd pmd, ulong addr)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    var folio = Folio.Alloc();
                    ret = inode.AddToPageCache(index, folio);
                    if (ret < 0)
                        goto out_release;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        ret = -Errno.EAGAIN;
                        goto out_delete;
                    }
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                out_delete:
                    inode.DeleteFromPageCache(index, folio);
                out_release:
                    folio.Put();
                    inode.UnacctBlocks(1);
                    return ret;
                }

            """,
        8 => $$"""
                public int Snapshot{{i}}(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    if (!pmd.Same(snapshot))
                    {
                        ptl.Unlock();
                        pte.Dispose();
                        return -Errno.EAGAIN;
                    }
                    pte.Write(addr, null);
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }

            """,
        _ => $$"""
                public int Lambda{{i}}(Pmd pmd)
                {
                    Func<ulong, int> probe = a =>
                    {
                        var pte = pmd.Map(a);
                        if (pte is null)
                            return -Errno.EAGAIN;
                        pte.Dispose();
                        return 0;
                    };
                    return probe(pmd.Address);
                }

            """,
    };

    /// <summary>The same shapes without the annotated API: what the analyzer must not pay for.</summary>
    private static string PlainMethod(int i, int shape) => shape switch
    {
        0 => $$"""
                public int Straight{{i}}(int[] table, int index, int value)
                {
                    var slot = index < table.Length ? table : null;
                    if (slot is null)
                        return -11;
                    if (slot[index] != 0)
                    {
                        counter++;
                        return -17;
                    }
                    slot[index] = value;
                    counter++;
                    return 0;
                }

            """,
        1 => $$"""
                public int Retry{{i}}(int[] table, int index)
                {
                    int tries = 0;
                    while (true)
                    {
                        if (table[index % table.Length] == 0)
                        {
                            tries++;
                            if (tries > 3) return tries;
                            continue;
                        }
                        return tries;
                    }
                }

            """,
        3 => $$"""
                public int Diamond{{i}}(int x)
                {
                    int acc = 0;
                    if (x > 1) { if (x > 2) acc = Work(x); else acc = x; } else { if (x < -1) acc = -x; else acc = Work(-x); }
                    if (acc > 10) { acc -= 10; } else { acc += 10; }
                    return acc;
                }

            """,
        _ => $$"""
                public int Plain{{i}}(int x, int kind)
                {
                    switch (kind)
                    {
                        case 0: return x;
                        case 1: return Work(x);
                        case 2: return Work(x) + 1;
                        default: try { return Work(x) * 2; } finally { counter++; }
                    }
                }

            """,
    };
}
