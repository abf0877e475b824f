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

    /// <summary>
    /// <paramref name="methods"/> methods of a class whose state is guarded by locks of several kinds (an object used
    /// with <c>lock</c>/Monitor, a ReaderWriterLockSlim, a SemaphoreSlim, the Runtime's RwSemaphore and TicketLock); a
    /// share <paramref name="density"/> of them touch guarded members, the correct way, in the shapes of
    /// <see cref="GuardedMethod"/>; the rest are <see cref="Corpus"/>'s plain methods, which the prefilter must let
    /// through at the price of a name check. The guarded members are declared at every density, so 0 % measures that check.
    /// </summary>
    public static string GuardedCorpus(int methods, double density, int seed = 1, string className = "Guarded")
    {
        // Lock classes named after the class: a project of several generated files declares each once.
        var text = new StringBuilder("using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing KernelDiscipline.Runtime;\n\n")
            .Append($"[assembly: LockClassDeclaration(\"{className}_table\", LockKind.Sleeping, 0)]\n")
            .Append($"[assembly: LockClassDeclaration(\"{className}_stats\", LockKind.Spinning, 0)]\n\n");
        text.Append($$"""
            public sealed class {{className}}
            {
                private readonly object gate = new();
                private readonly ReaderWriterLockSlim rw = new();
                private readonly SemaphoreSlim sem = new(1, 1);
                private readonly RwSemaphore tableSem = new(LockClass.Declare("{{className}}_table", LockKind.Sleeping, 0));
                private readonly TicketLock statsLock = new(LockClass.Declare("{{className}}_stats", LockKind.Spinning, 0));

                [GuardedBy(nameof(gate))] private long total;
                [GuardedBy(nameof(gate))] private int pending;
                [PtGuardedBy(nameof(gate))] private readonly long[] history = new long[64];
                [GuardedBy(nameof(rw))] private int version;
                [PtGuardedBy(nameof(rw))] private readonly int[] slots = new int[64];
                [GuardedBy(nameof(sem))] private int flushed;
                [PtGuardedBy(nameof(sem))] private readonly List<int> queue = new();
                [GuardedBy(nameof(tableSem))] private int entries;
                [GuardedBy(nameof(statsLock))] private long hits;

                private int counter;
                private static int Work(int x) => (x * 31) ^ (x >> 3);

                [MustHold(nameof(gate))]
                private void RecordLocked(long amount)
                {
                    total += amount;
                    history[(int)(total & 63)] = amount;
                }

                [MustHold(nameof(rw), Shared = true)]
                private int SlotLocked(int index) => slots[index & 63] + version;

                [MustNotHold(nameof(gate))]
                private long TotalNow()
                {
                    lock (gate)
                        return total;
                }


            """);
        var picks = Picks(methods, density, seed);
        int guarded = 0;
        for (int i = 0; i < methods; i++)
        {
            // Shapes in turn rather than by index, so that every shape appears even in a small corpus.
            text.Append(picks[i] ? GuardedMethod(i, guarded++ % GuardedShapes, className) : PlainMethod(i, i % 7));
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>How many methods of <see cref="GuardedCorpus"/> with the same arguments touch guarded members (the same picks as <see cref="TrackedCount"/>).</summary>
    public static int GuardedCount(int methods, double density, int seed = 1) => TrackedCount(methods, density, seed);

    /// <summary>The kinds of guarded method: one per lock type and mode, and the control-flow shapes KD205 must follow.</summary>
    public const int GuardedShapes = 14;

    private static string GuardedMethod(int i, int shape, string className) => shape switch
    {
        0 => $$"""
                public long Deposit{{i}}(long amount)
                {
                    lock (gate)
                    {
                        total += amount;
                        pending++;
                        return total;
                    }
                }

            """,
        1 => $$"""
                public int TryTake{{i}}(int timeoutMs)
                {
                    if (!Monitor.TryEnter(gate, timeoutMs))
                        return -1;
                    try
                    {
                        if (pending == 0)
                            return 0;
                        pending--;
                        return pending;
                    }
                    finally
                    {
                        Monitor.Exit(gate);
                    }
                }

            """,
        2 => $$"""
                public int ReadSlot{{i}}(int index)
                {
                    rw.EnterReadLock();
                    try
                    {
                        if (index < 0)
                            return -1;
                        return SlotLocked(index) + slots[(index + 1) & 63];
                    }
                    finally
                    {
                        rw.ExitReadLock();
                    }
                }

            """,
        3 => $$"""
                public void WriteSlot{{i}}(int index, int value)
                {
                    rw.EnterWriteLock();
                    try
                    {
                        slots[index & 63] = value;
                        version++;
                    }
                    finally
                    {
                        rw.ExitWriteLock();
                    }
                }

            """,
        4 => $$"""
                public bool Publish{{i}}(int index, int value)
                {
                    rw.EnterUpgradeableReadLock();
                    try
                    {
                        if (slots[index & 63] == value)
                            return false;
                        rw.EnterWriteLock();
                        try
                        {
                            slots[index & 63] = value;
                            version++;
                        }
                        finally
                        {
                            rw.ExitWriteLock();
                        }

                        return true;
                    }
                    finally
                    {
                        rw.ExitUpgradeableReadLock();
                    }
                }

            """,
        5 => $$"""
                public async Task<int> Flush{{i}}(int item)
                {
                    await sem.WaitAsync();
                    try
                    {
                        queue.Add(item);
                        await Task.Yield();
                        flushed += queue.Count;
                        queue.Clear();
                        return flushed;
                    }
                    finally
                    {
                        sem.Release();
                    }
                }

            """,
        6 => $$"""
                public int Record{{i}}(long amount)
                {
                    lock (gate)
                    {
                        if (amount <= 0)
                            return -1;
                        RecordLocked(amount);
                        return pending;
                    }
                }

            """,
        7 => $$"""
                public int Spread{{i}}(int seed)
                {
                    lock (gate)
                    {
                        Put(seed);
                        Put(seed + 1);
                    }

                    return seed;

                    void Put(int v) => history[v & 63] = v;
                }

            """,
        8 => $$"""
                public long Sum{{i}}(int[] values)
                {
                    long seen = 0;
                    foreach (var value in values)
                    {
                        lock (gate)
                        {
                            if (value < 0)
                                break;
                            total += value;
                            seen = total;
                        }
                    }

                    return seen;
                }

            """,
        9 => $$"""
                public int Entries{{i}}(bool add)
                {
                    if (add)
                    {
                        using (tableSem.WriteScope())
                            entries++;
                        return 0;
                    }

                    tableSem.DownRead();
                    int n = entries;
                    tableSem.UpRead();
                    return n;
                }

            """,
        10 => $$"""
                public long Hit{{i}}()
                {
                    statsLock.Lock();
                    long seen = ++hits;
                    statsLock.Unlock();
                    return seen;
                }

            """,
        11 => $$"""
                public long Transfer{{i}}({{className}} other, long amount)
                {
                    lock (other.gate)
                    {
                        if (other.total < amount)
                            return -1;
                        other.total -= amount;
                    }

                    lock (gate)
                        total += amount;
                    return TotalNow();
                }

            """,
        12 => $$"""
                public int Drain{{i}}(bool early)
                {
                    Monitor.Enter(gate);
                    if (early)
                    {
                        int seen = pending;
                        Monitor.Exit(gate);
                        return seen;
                    }

                    pending = 0;
                    Monitor.Exit(gate);
                    return 0;
                }

            """,
        _ => $$"""
                public async Task<bool> TryEnqueue{{i}}(int item, int timeoutMs)
                {
                    if (!await sem.WaitAsync(timeoutMs))
                        return false;
                    try
                    {
                        queue.Add(item);
                        return queue.Count > 1;
                    }
                    finally
                    {
                        sem.Release();
                    }
                }

            """,
    };

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
