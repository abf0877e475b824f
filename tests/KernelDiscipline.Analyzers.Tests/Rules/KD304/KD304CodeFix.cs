using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.NegateErrnoCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD304
{
    /// <summary>KD304's fix, NegateErrnoCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD304CodeFix
    {
        [Fact]
        public Task FixNegatesTheComparedErrno() => Verify.VerifyCodeFixAsync("""
            class C
            {
                bool Retry(MmStruct mm, ulong addr)
                {
                    int err = mm.CollapseHugePage(addr);
                    switch (mm.SplitHugePmd(addr))
                    {
                        case {|KD304:Errno.EBUSY|}:
                            return true;
                    }

                    return err == {|KD304:Errno.EAGAIN|} || err is {|KD304:Errno.ENOMEM|};
                }
            }
            """, """
            class C
            {
                bool Retry(MmStruct mm, ulong addr)
                {
                    int err = mm.CollapseHugePage(addr);
                    switch (mm.SplitHugePmd(addr))
                    {
                        case -Errno.EBUSY:
                            return true;
                    }

                    return err == -Errno.EAGAIN || err is -Errno.ENOMEM;
                }
            }
            """);

        [Fact]
        public Task FixNegatesWhereTheConstantIsWritten() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Direct(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return {|KD304:Errno.EAGAIN|};
                    pte.Unlock();
                    return -Errno.EEXIST;
                }

                int ThroughALocal(ShmemInode file)
                {
                    int ret = -Errno.EINVAL;
                    if (file.SizePages == 0)
                        return ret;
                    ret = Errno.ENOSPC;
                    return {|KD304:ret|};
                }
            }
            """, """
            class C
            {
                int Direct(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return -Errno.EEXIST;
                }

                int ThroughALocal(ShmemInode file)
                {
                    int ret = -Errno.EINVAL;
                    if (file.SizePages == 0)
                        return ret;
                    ret = -Errno.ENOSPC;
                    return ret;
                }
            }
            """);
    }
}
