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

        [Fact]
        public Task ExtensionHelpersAndReReadsDoNotReValidate() => Verify.VerifyAnalyzerAsync("""
            static class Helpers
            {
                [LocklessSnapshot]
                public static PmdValue Peek(this Pmd pmd) => pmd.GetLockless();

                [Revalidates]
                public static bool Unchanged(this Pmd pmd, PmdValue seen) => pmd.Same(seen);

                [Revalidates]
                public static bool StillMapped(this PteMap pte) => pte.PmdSame();

                [WritesPageTable]
                public static void Clear(this PteMap pte, ulong addr) => pte.Write(addr, null);
            }

            class C
            {
                // A snapshot taken through a helper is a snapshot.
                int SnapshotHelper(Pmd pmd, ulong addr)
                {
                    if (pmd.Peek().IsHuge)
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

                // A page-table write through a helper is a write.
                int WriteHelper(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    {|KD305:pte.Clear(addr)|};
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }

                // Reading the PMD again under the lock decides nothing about what the first read decided.
                int ReReadUnderTheLock(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    var again = pmd.Peek();
                    {|KD305:pte.Write(addr, null)|};
                    ptl.Unlock();
                    pte.Dispose();
                    return again.IsNone ? 1 : 0;
                }

                // Checked under the PMD lock, which is dropped before the PTL is taken: the PMD may change in between.
                int PmdLockDroppedBeforeThePtl(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    var pml = pmd.Lock();
                    if (!pmd.Same(snapshot))
                    {
                        pml.Unlock();
                        return -Errno.EAGAIN;
                    }

                    pml.Unlock();
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    {|KD305:pte.Write(addr, null)|};
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }

                // Read under the PMD lock, acted on under a PTL taken after the PMD lock was dropped.
                int ReadUnderThePmdLockThenDropped(Pmd pmd, ulong addr)
                {
                    pmd.LockPointer.Lock();
                    bool huge = pmd.GetLockless().IsHuge;
                    pmd.LockPointer.Unlock();
                    if (huge)
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
