using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD204Tests
    {
        [Fact]
        public Task TakenTwiceReleasedTwiceAndHeldAtTheEnd() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Twice(TicketLock ptl)
                {
                    ptl.Lock();
                    {|KD204:ptl.Lock()|};
                    ptl.Unlock();
                }

                void ReleasedTwice(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    mm.MmapLock.UpRead();
                    {|KD204:mm.MmapLock.UpRead()|};
                }

                int Forgot(MmStruct mm, bool fail)
                {
                    {|#0:mm.MmapLock.DownRead()|};
                    if (fail)
                        return -Errno.EINVAL;
                    mm.MmapLock.UpRead();
                    return 0;
                }

                void SomePaths(Folio folio, bool locked)
                {
                    if (locked)
                        {|#1:folio.Lock()|};
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithArguments("mm.MmapLock.DownRead()", "takes mmap_lock, which is still held when the method returns; release it on every path, or declare the method [Acquires]"),
            Verify.Diagnostic("KD204").WithLocation(1).WithArguments("folio.Lock()", "takes folio_lock, which is still held when the method returns; release it on every path, or declare the method [Acquires]"));

        [Fact]
        public Task HeldOnOneIncomingPathButNotTheOther() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Joined(Folio folio, bool locked)
                {
                    if (locked)
                        {|#0:folio.Lock()|};
                    int ret = locked ? 1 : 0;
                    return ret;
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithArguments("folio.Lock()", "takes folio_lock, which is still held when the method returns on some paths; release it on every path, or declare the method [Acquires]"));

        [Fact]
        public Task BalancedShapes() => Verify.VerifyAnalyzerAsync("""
            sealed class Cache
            {
                [LockClass(LockClass.PageTableLockName)]
                private readonly TicketLock gate = new TicketLock(LockClass.PageTableLock);

                [Acquires]
                public void Lock() => gate.Lock();

                [Releases]
                public void Unlock() => gate.Unlock();

                public void UnlockForCaller() => gate.Unlock(); // the caller took it: not this method's balance

                public int TryFinally(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    try
                    {
                        return mm.FindVma(0) is null ? -Errno.EFAULT : 0;
                    }
                    finally
                    {
                        mm.MmapLock.UpRead();
                    }
                }

                public int HeldAcrossALoop(MmStruct mm, ulong[] addrs)
                {
                    int found = 0;
                    mm.MmapLock.DownRead();
                    foreach (var addr in addrs)
                    {
                        if (mm.FindVma(addr) is null)
                            continue;
                        found++;
                    }
                    mm.MmapLock.UpRead();
                    return found;
                }

                public int EarlyReturns(MmStruct mm, ulong addr)
                {
                    mm.MmapLock.DownRead();
                    var vma = mm.FindVma(addr);
                    if (vma is null)
                    {
                        mm.MmapLock.UpRead();
                        return -Errno.EFAULT;
                    }
                    mm.MmapLock.UpRead();
                    return 0;
                }

                public void TryLockBranch(Folio folio)
                {
                    if (folio.TryLock())
                        folio.Unlock();
                }

                public void NullGuardedUnlock(Folio? folio)
                {
                    if (folio != null)
                        folio.Lock();
                    if (folio != null)
                        folio.Unlock();
                }

                public void UsesTheWrapper()
                {
                    Lock();
                    Unlock();
                }
            }
            """);
    }
}
