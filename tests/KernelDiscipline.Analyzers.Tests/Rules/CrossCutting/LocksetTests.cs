using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// The lockset's first users: shared and exclusive modes (KD204), a lock taken twice reported once where it is
    /// taken, and identities that are the same lock however the code names it.
    /// </summary>
    public class LocksetTests
    {
        [Fact]
        public Task ReleasedInTheOtherModeThanItWasTaken() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void ReadThenWriterRelease(MmStruct mm)
                {
                    {|#1:mm.MmapLock.DownRead()|};
                    {|#0:mm.MmapLock.UpWrite()|};
                }

                void WriteThenReaderRelease(MmStruct mm)
                {
                    {|#3:mm.MmapLock.DownWrite()|};
                    {|#2:mm.MmapLock.UpRead()|};
                }

                void TriedForRead(MmStruct mm)
                {
                    if (!mm.MmapLock.TryDownRead())
                        return;
                    {|KD204:mm.MmapLock.UpWrite()|};
                }

                void GuardForReadReleasedAsWriter(Vma vma)
                {
                    var rwsem = vma.AnonVma!.Rwsem;
                    rwsem.DownRead();
                    {|KD204:rwsem.Unlock()|};
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithLocation(1).WithArguments("mm.MmapLock.UpWrite()",
                "releases mmap_lock as a writer, but it was taken for read at line 5; release it as a reader (UpRead)"),
            Verify.Diagnostic("KD204").WithLocation(2).WithLocation(3).WithArguments("mm.MmapLock.UpRead()",
                "releases mmap_lock as a reader, but it was taken for write at line 11; release it as a writer (UpWrite)"));

        [Fact]
        public Task PathsThatJoinHoldingOneLockInBothModes() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Joined(MmStruct mm, bool write)
                {
                    if (write)
                        {|#2:mm.MmapLock.DownWrite()|};
                    else
                        {|#1:mm.MmapLock.DownRead()|};
                    mm.FindVma(0);
                    {|#0:mm.MmapLock.UpRead()|};
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("mm.MmapLock.UpRead()",
                "releases mmap_lock, which the paths reaching here hold for read (taken at line 8) on some and for write (taken at line 6) on others; take it in one mode, or release each mode on its own path"));

        [Fact]
        public Task ReadThenWriteOnOneThreadWaitsForItself() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Upgrade(MmStruct mm)
                {
                    {|#2:mm.MmapLock.DownRead()|};
                    {|#0:mm.MmapLock.DownWrite()|};
                    mm.MmapLock.UpWrite();
                    mm.MmapLock.UpRead();
                }

                void Downgrade(MmStruct mm)
                {
                    {|#3:mm.MmapLock.DownWrite()|};
                    {|#1:mm.MmapLock.DownRead()|};
                    mm.MmapLock.UpRead();
                    mm.MmapLock.UpWrite();
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithLocation(2).WithArguments("mm.MmapLock.DownWrite()",
                "takes mmap_lock for write while this thread holds it for read (taken at line 5): the writer waits for this thread's own read; release the read side first"),
            Verify.Diagnostic("KD204").WithLocation(1).WithLocation(3).WithArguments("mm.MmapLock.DownRead()",
                "takes mmap_lock for read while this thread holds it for write (taken at line 13): the reader waits for this thread's own write"));

        [Fact]
        public Task ModesThatMatchAreClean() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Read(MmStruct mm, ulong addr)
                {
                    mm.MmapLock.DownRead();
                    var vma = mm.FindVma(addr);
                    mm.MmapLock.UpRead();
                    return vma is null ? -Errno.EFAULT : 0;
                }

                void EachModeOnItsOwnPath(MmStruct mm, bool write)
                {
                    if (write)
                    {
                        mm.MmapLock.DownWrite();
                        mm.MmapLock.UpWrite();
                    }
                    else
                    {
                        mm.MmapLock.DownRead();
                        mm.MmapLock.UpRead();
                    }
                }

                void BothPathsRead(MmStruct mm, bool tryFirst)
                {
                    if (!tryFirst || !mm.MmapLock.TryDownRead())
                        mm.MmapLock.DownRead();
                    mm.MmapLock.UpRead();
                }

                void Guards(MmStruct mm)
                {
                    using (mm.MmapLock.ReadScope())
                    {
                        mm.FindVma(0);
                    }

                    using var guard = mm.MmapLock.WriteScope();
                    mm.FindVma(0);
                }

                void ReadersOfTwoLocks(MmStruct mm, Vma vma)
                {
                    mm.MmapLock.DownRead();
                    vma.AnonVma!.Rwsem.DownRead();
                    vma.AnonVma.Rwsem.UpRead();
                    mm.MmapLock.UpRead();
                }
            }
            """);

        [Fact]
        public Task AHelperReleasesInTheModeItsSummarySays() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static void DropRead(MmStruct mm) => mm.MmapLock.UpRead();

                static void TakeRead(MmStruct mm) => {|KD204:mm.MmapLock.DownRead()|};

                void Wrong(MmStruct mm, Folio folio)
                {
                    mm.MmapLock.DownWrite();
                    folio.Lock();
                    folio.Unlock();
                    {|KD204:DropRead(mm)|};
                }

                void Right(MmStruct mm, Folio folio)
                {
                    TakeRead(mm);
                    folio.Lock();
                    folio.Unlock();
                    DropRead(mm);
                }
            }
            """);

        [Fact]
        public Task ALockTakenTwiceIsReportedOnceWhereItIsTaken() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void PmdLockTwice(Pmd pmd)
                {
                    var l = {|#2:pmd.Lock()|};
                    {|#0:l.Lock()|};
                    l.Unlock();
                    l.Unlock();
                }

                void FolioTwice(Folio folio)
                {
                    {|#3:folio.Lock()|};
                    {|#1:folio.Lock()|};
                    folio.Unlock();
                    folio.Unlock();
                }

                void TwiceReleasedOnce(TicketLock ptl)
                {
                    ptl.Lock();
                    {|KD204:ptl.Lock()|};
                    ptl.Unlock();
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithLocation(2).WithArguments("l.Lock()", "takes pmd_lock, which this thread already holds (taken at line 5): it waits for itself"),
            Verify.Diagnostic("KD204").WithLocation(1).WithLocation(3).WithArguments("folio.Lock()", "takes folio_lock, which this thread already holds (taken at line 13): it waits for itself"));

        [Fact]
        public Task AReturnedLockTakenAgainUnderItsOtherName() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void ResultThenMember(Pmd pmd)
                {
                    var l = {|#1:pmd.Lock()|};
                    {|#0:pmd.LockPointer.Lock()|};
                    pmd.LockPointer.Unlock();
                    l.Unlock();
                }

                void TwoResults(Pmd pmd)
                {
                    var a = {|#3:pmd.Lock()|};
                    var b = {|#2:pmd.Lock()|};
                    b.Unlock();
                    a.Unlock();
                }

                void MemberThenResult(Pmd pmd)
                {
                    {|#5:pmd.LockPointer.Lock()|};
                    var l = {|#4:pmd.Lock()|};
                    l.Unlock();
                    pmd.LockPointer.Unlock();
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithLocation(1).WithArguments("pmd.LockPointer.Lock()", "takes pmd_lock, which this thread already holds (taken at line 5): it waits for itself"),
            Verify.Diagnostic("KD204").WithLocation(2).WithLocation(3).WithArguments("pmd.Lock()", "takes pmd_lock, which this thread already holds (taken at line 13): it waits for itself"),
            Verify.Diagnostic("KD204").WithLocation(4).WithLocation(5).WithArguments("pmd.Lock()", "takes pmd_lock, which this thread already holds (taken at line 21): it waits for itself"));

        [Fact]
        public Task OneLockWhateverItIsCalled() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static void TakeMm(MmStruct mm) => {|KD204:mm.MmapLock.DownRead()|};

                void LocalNamesTheLock(MmStruct mm)
                {
                    var l = mm.MmapLock;
                    l.DownRead();
                    mm.MmapLock.UpRead();
                }

                void ReassignedRootIsAnotherLock(MmStruct mm, MmStruct other)
                {
                    var l = mm.MmapLock;
                    mm = other;
                    l.DownRead();
                    l.UpRead();
                }

                int MapsPtlIsTheTablesLock(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|KD204:pte.Ptl.Lock()|};
                    pte.Unlock();
                    return 0;
                }

                int PtlThroughALocal(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    var ptl = pte.Ptl;
                    {|KD204:ptl.Lock()|};
                    pte.Unlock();
                    return 0;
                }

                void CalleeParameterBecomesTheArgument(MmStruct a, MmStruct b, Folio folio)
                {
                    {|KD204:TakeMm(a)|};
                    folio.Lock();
                    folio.Unlock();
                    b.MmapLock.UpRead();
                }

                void CalleeParameterBalanced(MmStruct a, Folio folio)
                {
                    TakeMm(a);
                    folio.Lock();
                    folio.Unlock();
                    a.MmapLock.UpRead();
                }
            }
            """);

        [Fact]
        public Task ALocalThatNamesOneLockOnEachPathReleasesWhicheverItNames() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Pick(Folio x, Folio y, bool first)
                {
                    Folio f;
                    if (first)
                    {
                        f = x;
                        f.Lock();
                    }
                    else
                    {
                        f = y;
                        f.Lock();
                    }

                    f.Unlock();
                }

                void FreshOrExisting(Folio existing, bool fresh)
                {
                    var f = fresh ? null : existing;
                    if (f is null)
                    {
                        f = Folio.Alloc();
                        f.Lock();
                    }
                    else
                    {
                        f.Lock();
                    }

                    f.Unlock();
                    if (fresh)
                        f.Put();
                }
            }
            """);

        [Fact]
        public Task AWrapperThatCallsItselfIsReadOnce() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;

            public sealed class Chain
            {
                private Chain? inner;
                private readonly object gate = new();

                [Acquires]
                public void Lock()
                {
                    if (inner != null)
                        inner.Lock();
                    else
                        Monitor.Enter(gate);
                }

                [Releases]
                public void Unlock() => Monitor.Exit(gate);

                public void Use()
                {
                    Lock();
                    Unlock();
                }
            }
            """);

        [Fact]
        public Task ReentrantMonitorIsNotTakenTwice() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 0)]

            sealed class Cache
            {
                [LockClass("cache_lock")]
                private readonly object gate = new();

                public void Nested()
                {
                    lock (gate)
                    {
                        lock (gate)
                        {
                        }
                    }
                }
            }
            """);
    }
}
