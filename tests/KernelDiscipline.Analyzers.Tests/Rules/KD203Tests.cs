using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD203Tests
    {
        [Fact]
        public Task FolioLockUnderThePtl() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Bad(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = {|#1:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|#0:folio.Lock()|};
                    folio.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD203").WithLocation(0).WithArguments("folio.Lock()", "ptl", "5"));

        [Fact]
        public Task SleepingUnderLocklessMapAndMightSleepUnderPmdLock() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Map(Pmd pmd, ulong addr, Vma vma)
                {
                    using var pte = pmd.Map(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    {|KD203:vma.VmaLock.DownRead()|};
                    vma.VmaLock.UpRead();
                    return 0;
                }

                void Alloc(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    var folio = {|KD203:Folio.Alloc()|};
                    ptl.Unlock();
                    folio.Put();
                }
            }
            """);

        [Fact]
        public Task TryLockUnderSpinlockAndSleepingAfterDroppingIt() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // The kernel's answer: try-lock under the spinlock; on failure drop it, sleep, retry.
                int Good(Pmd pmd, ulong addr, Folio folio)
                {
                retry:
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (!folio.TryLock())
                    {
                        pte.Unlock();
                        folio.Lock();
                        folio.Unlock();
                        goto retry;
                    }
                    folio.Unlock();
                    pte.Unlock();
                    return 0;
                }

                void AllocBeforeTheLock(Pmd pmd)
                {
                    var folio = Folio.Alloc();
                    var ptl = pmd.Lock();
                    ptl.Unlock();
                    folio.Put();
                }
            }
            """);
    }
}
