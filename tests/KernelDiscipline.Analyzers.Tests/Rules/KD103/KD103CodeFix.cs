using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.ReleaseOnAllPathsCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD103
{
    /// <summary>KD103's fix, ReleaseOnAllPathsCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD103CodeFix
    {
        [Fact]
        public Task UnlocksBeforeAThrowThatLeavesTheMethod() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Check(Pmd pmd, ulong addr, bool bad)
                {
                    var pte = {|KD103:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (bad)
                        throw new ArgumentException("bad address", nameof(addr));
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            """
            class C
            {
                int Check(Pmd pmd, ulong addr, bool bad)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (bad)
                    {
                        pte.Unlock();
                        throw new ArgumentException("bad address", nameof(addr));
                    }
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task UnlocksBeforeEachLeakingReturn() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Install(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = {|KD103:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                        return -Errno.EEXIST;
                    if (folio.IsFreed)
                    {
                        Kernel.WarnOnOnce(true);
                        return -Errno.EINVAL;
                    }
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            """
            class C
            {
                int Install(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                    {
                        pte.Unlock();
                        return -Errno.EEXIST;
                    }
                    if (folio.IsFreed)
                    {
                        Kernel.WarnOnOnce(true);
                        pte.Unlock();
                        return -Errno.EINVAL;
                    }
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task DisposesALocklessMapAtTheEndAndBeforeABareReturn() => Verify.VerifyCodeFixAsync("""
            class C
            {
                void Scan(Pmd pmd, ulong addr, int[] counts)
                {
                    var pte = {|KD103:pmd.Map(addr)|};
                    if (pte is null)
                        return;
                    if (pte.Read(addr) is null)
                        return;
                    counts[0]++;
                }
            }
            """,
            """
            class C
            {
                void Scan(Pmd pmd, ulong addr, int[] counts)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                        return;
                    if (pte.Read(addr) is null)
                    {
                        pte.Dispose();
                        return;
                    }
                    counts[0]++;
                    pte.Dispose();
                }
            }
            """);

        [Fact]
        public Task ReleaseIsNullConditionalWhereTheMapWasNotChecked() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Early(Pmd pmd, ulong addr, bool quick)
                {
                    var pte = {|KD103:pmd.MapLock(addr)|};
                    if (quick)
                        return 1;
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            """
            class C
            {
                int Early(Pmd pmd, ulong addr, bool quick)
                {
                    var pte = pmd.MapLock(addr);
                    if (quick)
                    {
                        pte?.Unlock();
                        return 1;
                    }
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }
            }
            """);
    }
}
