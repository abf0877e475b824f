using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.ReturnEagainCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD102
{
    /// <summary>KD102's fix, ReturnEagainCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD102CodeFix
    {
        [Fact]
        public Task ReplacesWrongErrnoThrowAndSigbus() => Verify.VerifyCodeFixAsync("""
            using KernelDiscipline.Runtime;

            class C
            {
                int A(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return {|KD102:-Errno.EFAULT|};
                    pte.Unlock();
                    return 0;
                }

                int B(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                    {
                        {|KD102:throw new InvalidOperationException("gone");|}
                    }
                    pte.Dispose();
                    return 0;
                }

                VmFault D(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return {|KD102:VmFault.SigBus|};
                    pte.Unlock();
                    return VmFault.None;
                }
            }
            """,
            """
            using KernelDiscipline.Runtime;

            class C
            {
                int A(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }

                int B(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                    {
                        return -Errno.EAGAIN;
                    }
                    pte.Dispose();
                    return 0;
                }

                VmFault D(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return VmFault.NoPage;
                    pte.Unlock();
                    return VmFault.None;
                }
            }
            """);

        [Fact]
        public Task NoFixWhenTheErrnoComesThroughALocal() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Fill(Pmd pmd, ulong addr)
                {
                    int ret = -Errno.EFAULT;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = 0;
                    pte.Unlock();
                out_:
                    return {|KD102:ret|};
                }
            }
            """,
            """
            class C
            {
                int Fill(Pmd pmd, ulong addr)
                {
                    int ret = -Errno.EFAULT;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = 0;
                    pte.Unlock();
                out_:
                    return {|KD102:ret|};
                }
            }
            """);
    }
}
