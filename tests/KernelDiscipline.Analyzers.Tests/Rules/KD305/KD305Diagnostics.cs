using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD305
{
    /// <summary>KD305 (Re-validate a lockless snapshot under the lock before writing): code the rule flags, and where.</summary>
    public class KD305Diagnostics
    {
        [Fact]
        public Task WriteUnderALockTakenAfterTheSnapshot() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // Seed 002 before the review: the lockless decision is acted on under the PTL without pmd_same.
                int MovePte(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    {|KD305:pte.Write(addr, null)|};
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }
            }
            """);
    }
}
