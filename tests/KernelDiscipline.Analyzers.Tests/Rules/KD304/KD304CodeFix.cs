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

        [Fact]
        public Task FixNegatesWhereAConstantReachingAReturnOrAPatternIsWritten() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int ThroughALabel(Pmd pmd, ulong addr, bool bad)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    int ret = Errno.EFAULT;
                    if (bad)
                        goto outUnlock;
                    ret = 0;
                outUnlock:
                    pte.Unlock();
                    return {|KD304:ret|};
                }

                int Conditional(int done) => {|KD304:done < 0 ? -Errno.EINVAL : done > 0 ? done : Errno.EFAULT|};

                bool Retry(MmStruct mm, ulong addr)
                {
                    int err;
                    if ((err = mm.CollapseHugePage(addr)) == {|KD304:Errno.EAGAIN|})
                        return true;
                    return err is {|KD304:Errno.EBUSY|} or {|KD304:Errno.ENOMEM|};
                }
            }
            """, """
            class C
            {
                int ThroughALabel(Pmd pmd, ulong addr, bool bad)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    int ret = -Errno.EFAULT;
                    if (bad)
                        goto outUnlock;
                    ret = 0;
                outUnlock:
                    pte.Unlock();
                    return ret;
                }

                int Conditional(int done) => done < 0 ? -Errno.EINVAL : done > 0 ? done : -Errno.EFAULT;

                bool Retry(MmStruct mm, ulong addr)
                {
                    int err;
                    if ((err = mm.CollapseHugePage(addr)) == -Errno.EAGAIN)
                        return true;
                    return err is -Errno.EBUSY or -Errno.ENOMEM;
                }
            }
            """);
    }
}
