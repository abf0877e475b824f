using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.SwapAcquisitionsCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD201
{
    /// <summary>
    /// KD201's fix on the shape of the README's and docs/rules/KD201.md's example: a map, its null check, then the
    /// PMD lock. The outer lock moves up past the guards, and each guard releases it before it leaves.
    /// </summary>
    public class KD201ReadmeExampleCodeFix
    {
        [Fact]
        public Task OuterLockMovesAboveTheMapAndItsNullChecks() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Collapse(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    var pmdLock = {|KD201:pmd.Lock()|};
                    pmdLock.Unlock();
                    pte.Unlock();
                    return 0;
                }

                int Split(Pmd pmd, ulong addr, int[] log)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte == null)
                    {
                        log[0]++;
                        return -Errno.EAGAIN;
                    }
                    {|KD201:pmd.LockPointer.Lock()|};
                    pmd.LockPointer.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            """
            class C
            {
                int Collapse(Pmd pmd, ulong addr)
                {
                    var pmdLock = pmd.Lock();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        pmdLock.Unlock();
                        return -Errno.EAGAIN;
                    }
                    pmdLock.Unlock();
                    pte.Unlock();
                    return 0;
                }

                int Split(Pmd pmd, ulong addr, int[] log)
                {
                    pmd.LockPointer.Lock();
                    var pte = pmd.MapLock(addr);
                    if (pte == null)
                    {
                        log[0]++;
                        pmd.LockPointer.Unlock();
                        return -Errno.EAGAIN;
                    }
                    pmd.LockPointer.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task NoFixWhenWorkRunsBetweenOrTheLockComesFromTheMap() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Collapse(Pmd pmd, ulong addr, int[] log)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    log[0]++;
                    var pmdLock = {|KD201:pmd.Lock()|};
                    pmdLock.Unlock();
                    pte.Unlock();
                    return 0;
                }

                int FromTheMap(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    var pmdLock = {|KD201:pte.Pmd.Lock()|};
                    pmdLock.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            """
            class C
            {
                int Collapse(Pmd pmd, ulong addr, int[] log)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    log[0]++;
                    var pmdLock = {|KD201:pmd.Lock()|};
                    pmdLock.Unlock();
                    pte.Unlock();
                    return 0;
                }

                int FromTheMap(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    var pmdLock = {|KD201:pte.Pmd.Lock()|};
                    pmdLock.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """);
    }
}
