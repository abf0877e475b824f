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

        [Fact]
        public Task ExtensionHelpersAndSnapshotsStableUnderThePmdLock() => Verify.VerifyAnalyzerAsync("""
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
                int RevalidatedByAHelper(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.Peek();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    if (!pmd.Unchanged(snapshot))
                    {
                        ptl.Unlock();
                        pte.Dispose();
                        return -Errno.EAGAIN;
                    }

                    pte.Clear(addr);
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }

                int RevalidatedThroughTheMap(Pmd pmd, ulong addr)
                {
                    if (pmd.Peek().IsHuge)
                        return -Errno.EEXIST;
                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ptl!.Lock();
                    if (pte.StillMapped())
                        pte.Clear(addr);
                    ptl.Unlock();
                    pte.Dispose();
                    return 0;
                }

                // Read while the PMD lock is held: stable while it is, PTL or not.
                int ReadUnderThePmdLock(Pmd pmd, ulong addr)
                {
                    var pml = pmd.Lock();
                    if (pmd.GetLockless().IsHuge)
                    {
                        pml.Unlock();
                        return -Errno.EEXIST;
                    }

                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                    {
                        pml.Unlock();
                        return -Errno.EAGAIN;
                    }

                    ptl!.Lock();
                    pte.Write(addr, null);
                    ptl.Unlock();
                    pml.Unlock();
                    pte.Dispose();
                    return 0;
                }

                // pmd_same under the PMD lock, the PTL taken while the PMD lock is still held: the PMD cannot change.
                int SameUnderThePmdLockThenThePtl(Pmd pmd, ulong addr)
                {
                    var snapshot = pmd.GetLockless();
                    if (snapshot.IsHuge)
                        return -Errno.EEXIST;
                    pmd.LockPointer.Lock();
                    if (!pmd.Same(snapshot))
                    {
                        pmd.LockPointer.Unlock();
                        return -Errno.EAGAIN;
                    }

                    var pte = pmd.MapNoLock(addr, out var ptl);
                    if (pte is null)
                    {
                        pmd.LockPointer.Unlock();
                        return -Errno.EAGAIN;
                    }

                    ptl!.Lock();
                    pte.Write(addr, null);
                    ptl.Unlock();
                    pmd.LockPointer.Unlock();
                    pte.Dispose();
                    return 0;
                }
            }
            """);
    }
}
