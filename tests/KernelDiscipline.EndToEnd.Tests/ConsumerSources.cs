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
    }
}
