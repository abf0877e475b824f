using System.Collections.Generic;

namespace KernelDiscipline.EndToEnd.Tests
{
    /// <summary>What a consumer writes. A trailing <c>// KDxxx</c> marks the line where that diagnostic is expected.</summary>
    internal static class ConsumerSources
    {
        public const string BreaksEveryRule = """
            using KernelDiscipline.Runtime;

            public static class Bad
            {
                public static int Kd101(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    int present = pte.Read(addr) is null ? 0 : 1; // KD101
                    pte.Dispose();
                    return present;
                }

                public static int Kd102(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EFAULT; // KD102
                    pte.Unlock();
                    return 0;
                }

                public static int Kd103(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr); // KD103
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                        return -Errno.EEXIST;
                    pte.Unlock();
                    return 0;
                }

                public static void Kd201(Vma vma, Folio folio)
                {
                    vma.AnonVma!.Rwsem.DownWrite();
                    folio.Lock(); // KD201
                    folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }

                public static void Kd202(Folio a, Folio b)
                {
                    a.Lock();
                    b.Lock(); // KD202
                    b.Unlock();
                    a.Unlock();
                }

                public static void Kd203(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    var folio = Folio.Alloc(); // KD203
                    ptl.Unlock();
                    folio.Put();
                }

                public static int Kd204(MmStruct mm, bool fail)
                {
                    mm.MmapLock.DownRead(); // KD204
                    if (fail)
                        return -Errno.EINVAL;
                    mm.MmapLock.UpRead();
                    return 0;
                }
            }

            public sealed class Guarded
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                [GuardedBy("gaet")] // KD207
                private int typo;

                public int Kd205() => count++; // KD205

                [MustHold(nameof(gate))]
                private void Locked() => count += typo;

                public void Kd206() => Locked(); // KD206
            }

            """;

        public const string SilentSkip = """
            using KernelDiscipline.Runtime;

            public static class Skip
            {
                public static int Count(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                        return 0; // KD102
                    pte.Dispose();
                    return 1;
                }
            }

            """;

        public const string Fixable = """
            using KernelDiscipline.Runtime;

            public static class Fixable
            {
                public static int Install(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EFAULT;
                    if (pte.Read(addr) is not null)
                        return -Errno.EEXIST;
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }

                public static int Clear(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    pte.Write(addr, null);
                    pte.Unlock();
                    return 0;
                }
            }

            """;

        /// <summary>The documented fixes: -EAGAIN for KD102, the null check for KD101, Unlock on the leaking path for KD103.</summary>
        public const string Fixed = """
            using KernelDiscipline.Runtime;

            public static class Fixable
            {
                public static int Install(Pmd pmd, ulong addr, Folio folio)
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

                public static int Clear(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Write(addr, null);
                    pte.Unlock();
                    return 0;
                }
            }

            """;

        /// <summary>Fixable and unfixable diagnostics of several rules; the first one in the file has no fix.</summary>
        public const string Mixed = """
            using KernelDiscipline.Runtime;

            public static class Mixed
            {
                public static void Forgiven(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr)!;
                    pte.Unlock(); // KD101
                }

                public static int Held(MmStruct mm, bool fail)
                {
                    mm.MmapLock.DownRead(); // KD204
                    if (fail)
                        return -Errno.EINVAL;
                    mm.MmapLock.UpRead();
                    return 0;
                }

                public static int Clear(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    pte.Write(addr, null); // fixable KD101
                    pte.Unlock();
                    return 0;
                }

                public static int Fault(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EFAULT; // fixable KD102
                    pte.Unlock();
                    return 0;
                }

                public static int Busy(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr); // fixable KD103
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                        return -Errno.EEXIST;
                    pte.Unlock();
                    return 0;
                }
            }

            """;

        /// <summary><see cref="Mixed"/> after <c>dotnet format analyzers --diagnostics KD101</c>.</summary>
        public static readonly string MixedKd101Fixed = Mixed.Replace("""
                    var pte = pmd.MapLock(addr);
                    pte.Write(addr, null); // fixable KD101
            """, """
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Write(addr, null); // fixable KD101
            """);

        /// <summary><see cref="Mixed"/> after every fix: what has none is left, marked.</summary>
        public static readonly string MixedFixed = MixedKd101Fixed
            .Replace("return -Errno.EFAULT; // fixable KD102", "return -Errno.EAGAIN; // fixable KD102")
            .Replace("""
                    var pte = pmd.MapLock(addr); // fixable KD103
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                        return -Errno.EEXIST;
            """, """
                    var pte = pmd.MapLock(addr); // fixable KD103
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                    {
                        pte.Unlock();
                        return -Errno.EEXIST;
                    }
            """);

        /// <summary>The README's KD101 one-liner, pasted into a console program's top-level statements.</summary>
        public const string TopLevel = """
            using KernelDiscipline.Runtime;

            var mm = new MmStruct();
            ulong addr = 0x4000_0000;
            mm.Mmap(addr, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
            var pmd = mm.PmdAlloc(addr);
            var pte = pmd.MapLock(addr); pte.Read(addr);
            pte.Unlock();

            """;

        public const string TopLevelFixed = """
            using KernelDiscipline.Runtime;

            var mm = new MmStruct();
            ulong addr = 0x4000_0000;
            mm.Mmap(addr, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
            var pmd = mm.PmdAlloc(addr);
            var pte = pmd.MapLock(addr);

            if (pte is null)
                return;

            pte.Read(addr);
            pte.Unlock();

            """;

        /// <summary>
        /// Helpers that take, release and leak locks for their callers (one leaks through a chain deeper than the
        /// summary depth, two recurse into each other) and callers of them in several files: what a caller is told
        /// depends on the helpers' summaries, which the compiler's threads share.
        /// </summary>
        public static IReadOnlyDictionary<string, string> CrossMethod(int callerFiles)
        {
            var files = new Dictionary<string, string>
            {
                ["Helpers.cs"] = """
                    using KernelDiscipline.Runtime;

                    public static class Helpers
                    {
                        public static void TakeMm(MmStruct mm) => mm.MmapLock.DownRead();
                        public static void DropMm(MmStruct mm) => mm.MmapLock.UpRead();
                        public static void Chain0(MmStruct mm) => Chain1(mm);
                        public static void Chain1(MmStruct mm) => Chain2(mm);
                        public static void Chain2(MmStruct mm) => TakeMm(mm);
                        public static int Ping(MmStruct mm, int n) => n == 0 ? Sleepy(mm) : Pong(mm, n - 1);
                        public static int Pong(MmStruct mm, int n) => n == 0 ? 0 : Ping(mm, n - 1);
                        public static int Sleepy(MmStruct mm) { mm.MmapLock.DownWrite(); mm.MmapLock.UpWrite(); return 0; }
                    }
                    """,
            };
            for (int f = 0; f < callerFiles; f++)
            {
                files[$"Callers{f}.cs"] = $$"""
                    using KernelDiscipline.Runtime;

                    public class Callers{{f}}
                    {
                        public int Leak(MmStruct mm, Folio folio) { Helpers.TakeMm(mm); folio.Lock(); folio.Unlock(); return 0; }
                        public void Twice(MmStruct mm, Folio folio) { Helpers.TakeMm(mm); folio.Lock(); folio.Unlock(); Helpers.DropMm(mm); Helpers.DropMm(mm); }
                        public void Order(MmStruct mm, Folio folio) { folio.Lock(); Helpers.TakeMm(mm); Helpers.DropMm(mm); folio.Unlock(); }
                        public void Deep(MmStruct mm) { Helpers.Chain{{f % 3}}(mm); Helpers.DropMm(mm); }
                        public int Recursive(MmStruct mm, Pmd pmd) { var ptl = pmd.Lock(); int r = Helpers.Ping(mm, {{f}}); ptl.Unlock(); return r; }
                    }
                    """;
            }

            return files;
        }
    }
}
