using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD203
{
    /// <summary>KD203 (Do not sleep in atomic context): code that keeps the rule, on which nothing is reported.</summary>
    public class KD203Valid
    {
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
