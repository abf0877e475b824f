using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD204
{
    /// <summary>KD204 (Keep lock acquisitions and releases balanced): code that keeps the rule, on which nothing is reported.</summary>
    public class KD204Valid
    {
        [Fact]
        public Task ATryLockOfInvertedSenseTestedDirectlyOrThroughAStoredFlag() => Verify.VerifyAnalyzerAsync(InvertedTryLock.Pool + """
            static class Users
            {
                static int Direct(Pool pool)
                {
                    if (pool.TryLockBusy())
                        return -Errno.EAGAIN;
                    pool.Unlock();
                    return 0;
                }

                static int Stored(Pool pool)
                {
                    bool busy = pool.TryLockBusy();
                    if (busy)
                        return -Errno.EAGAIN;
                    pool.Unlock();
                    return 0;
                }

                static int StoredNegated(Pool pool)
                {
                    bool busy = pool.TryLockBusy();
                    if (!busy)
                    {
                        pool.Unlock();
                        return 0;
                    }

                    return -Errno.EAGAIN;
                }
            }
            """);

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
