using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD201
{
    /// <summary>KD201 (Take locks in the declared order): code that keeps the rule, on which nothing is reported.</summary>
    public class KD201Valid
    {
        [Fact]
        public Task TheMmOrderIsFine() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // retract_page_tables: pmd lock, then the PTL inside it.
                int Retract(MmStruct mm, Pmd pmd, Vma vma, Folio folio)
                {
                    mm.MmapLock.DownRead();
                    folio.Lock();
                    vma.AnonVma!.Rwsem.DownRead();
                    var pmdLock = pmd.Lock();
                    var pte = pmd.MapLock(pmd.Address);
                    if (pte is not null)
                        pte.Unlock();
                    pmdLock.Unlock();
                    vma.AnonVma.Rwsem.UpRead();
                    folio.Unlock();
                    mm.MmapLock.UpRead();
                    return 0;
                }

                // Dropping the inner lock and retaking the outer one first is the fix, not a violation.
                void DropAndRetake(MmStruct mm, Pmd pmd)
                {
                    var pmdLock = pmd.Lock();
                    pmdLock.Unlock();
                    mm.MmapLock.DownRead();
                    mm.MmapLock.UpRead();
                }
            }
            """);
    }
}
