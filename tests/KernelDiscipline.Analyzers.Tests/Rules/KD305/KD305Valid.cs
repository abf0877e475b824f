using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD305
{
    /// <summary>KD305 (Re-validate a lockless snapshot under the lock before writing): code that keeps the rule, on which nothing is reported.</summary>
    public class KD305Valid
    {
        [Fact]
        public Task TheReviewedShapes() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int PmdSameUnderTheLock(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    if (!pte.PmdSame())
                    {
                        ptl.Unlock();
                        pte.Dispose();
                        return -Errno.EAGAIN;
                    }

                    pte.Write(addr, null);
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }

                int SameOfTheSnapshot(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    if (pmd.Same(snapshot))
                        pte.Write(addr, null);
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }

                // MapLock re-checks the PMD under the PTL it takes.
                int MapLockAfterTheSnapshot(Pmd pmd, ulong addr)
                {
                    if (pmd.GetLockless().IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Write(addr, null);
                    pte.Unlock();
                    return 0;
                }

                // Read under the lock: stable.
                int SnapshotUnderTheLock(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    if (!pmd.GetLockless().IsHuge)
                        pte.Write(addr, null);
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }
            }
            """);
    }
}
