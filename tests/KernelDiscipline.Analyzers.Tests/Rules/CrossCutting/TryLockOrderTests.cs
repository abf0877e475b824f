using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// A try-lock waits for nothing, so it cannot close a deadlock cycle: KD201 and KD202 leave it alone, as lockdep
    /// does. What it holds on success counts like any held lock for what is taken after it.
    /// </summary>
    public class TryLockOrderTests
    {
        [Fact]
        public Task TryLocksAreNotCheckedAgainstTheOrderButHoldLikeLocks() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // folio_lock comes before anon_vma's rwsem; trying it out of order cannot deadlock.
                void TryAgainstTheOrder(Vma vma, Folio folio)
                {
                    vma.AnonVma!.Rwsem.DownWrite();
                    if (folio.TryLock())
                        folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }

                // Two folio locks: the second only tried, as move_pages_pte does under the PTLs.
                void SecondFolioTried(Folio a, Folio b)
                {
                    a.Lock();
                    if (b.TryLock())
                        b.Unlock();
                    a.Unlock();
                }

                // Once the try-lock succeeded, it is held: a blocking lock that the order puts before it is KD201.
                void BlockingAfterASuccessfulTry(Vma vma, Folio folio)
                {
                    if (!vma.AnonVma!.Rwsem.TryDownWrite())
                        return;
                    {|KD201:folio.Lock()|};
                    folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }

                // And two locks of one class, the first tried, the second blocking: KD202.
                void BlockingSecondOfAClass(Folio a, Folio b)
                {
                    if (!a.TryLock())
                        return;
                    {|KD202:b.Lock()|};
                    b.Unlock();
                    a.Unlock();
                }
            }
            """);
    }
}
