using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD204
{
    /// <summary>KD204 (Keep lock acquisitions and releases balanced): code the rule flags, and where.</summary>
    public class KD204Diagnostics
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
        public Task ATryLockOfInvertedSenseLeftHeld() => Verify.VerifyAnalyzerAsync(InvertedTryLock.Pool + """
            static class Users
            {
                static int Direct(Pool pool)
                {
                    if ({|#0:pool.TryLockBusy()|})
                        return -Errno.EAGAIN;
                    return 0;
                }

                static int Stored(Pool pool)
                {
                    bool busy = {|#1:pool.TryLockBusy()|};
                    if (busy)
                        return -Errno.EAGAIN;
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD204").WithLocation(0).WithArguments("pool.TryLockBusy()", "takes pool, which is still held when the method returns; release it on every path, or declare the method [Acquires]"),
            Verify.Diagnostic("KD204").WithLocation(1).WithArguments("pool.TryLockBusy()", "takes pool, which is still held when the method returns; release it on every path, or declare the method [Acquires]"));

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
    }
}
