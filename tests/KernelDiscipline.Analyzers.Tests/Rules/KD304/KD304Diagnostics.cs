using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;
using VerifyFix = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.NegateErrnoCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD304Tests
    {
        [Fact]
        public Task PositiveErrnosWhereTheMethodReturnsNegativeOnes() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Direct(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return {|#0:Errno.EAGAIN|};
                    if (pte.Read(addr) is not null)
                    {
                        pte.Unlock();
                        return -Errno.EEXIST;
                    }

                    pte.Unlock();
                    return 0;
                }

                // No tracked call at all: the body names Errno, so its returns are checked.
                int ThroughALocal(ShmemInode file)
                {
                    int ret = -Errno.EINVAL;
                    if (file.SizePages == 0)
                        return ret;
                    ret = Errno.ENOSPC;
                    return {|KD304:ret|};
                }
            }
            """,
            Verify.Diagnostic("KD304").WithLocation(0).WithArguments("Errno.EAGAIN", "returns a positive errno where this method's errors are negative (-Errno.EEXIST)", "Errno.EAGAIN"));

        [Fact]
        public Task MethodsWithoutTheNegativeConventionAreLeftAlone() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int ErrnoOfAnErrorCode(bool busy) => busy ? Errno.EBUSY : 0;   // positive codes throughout: another convention

                int Count(int[] items)
                {
                    int n = 0;
                    foreach (var item in items)
                        n += item;
                    return n == Errno.EPERM ? 0 : -Errno.EINVAL;                  // a negative errno, and no positive one returned
                }

                long Copied(Userfaultfd uffd, ulong dst, ulong src) => uffd.Copy(dst, src, PageGeometry.PageSize);
            }
            """);

        [Fact]
        public Task ErrnoResultsComparedWithPositiveErrnos() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Direct(MmStruct mm, ulong start)
                {
                    if (mm.ZapRange(start, start + PageGeometry.PageSize) == {|#0:Errno.EAGAIN|})   // never true: the retry never runs
                        Direct(mm, start);
                }

                bool ThroughALocal(MmStruct mm, ulong addr)
                {
                    int err = 0;
                    if (addr != 0)
                        err = mm.CollapseHugePage(addr);
                    return err != {|KD304:Errno.EAGAIN|} && !(err is {|KD304:Errno.ENOMEM|});
                }

                string Switched(MmStruct mm, ulong addr)
                {
                    switch (mm.SplitHugePmd(addr))
                    {
                        case {|KD304:Errno.EBUSY|}:
                            return "busy";
                        case 0:
                            return "split";
                        default:
                            return "failed";
                    }
                }

                // A method of the caller's own that returns negative errnos is one by contract too.
                int Fill(ShmemInode file) => file.SizePages == 0 ? -Errno.ENOSPC : 0;

                void Caller(ShmemInode file)
                {
                    var ret = Fill(file);
                    if (ret == {|KD304:Errno.ENOSPC|})
                        return;
                }
            }
            """,
            Verify.Diagnostic("KD304").WithLocation(0)
                .WithArguments("mm.ZapRange(start, start + PageGeometry.PageSize) == Errno.EAGAIN", "compares a positive errno with the result of ZapRange(), a negative errno on failure: never equal", "Errno.EAGAIN"));

        [Fact]
        public Task ComparisonsThatAreRightAreLeftAlone() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Positive(bool busy) => busy ? Errno.EBUSY : 0;   // positive codes: another convention

                void Negated(MmStruct mm, ulong addr)
                {
                    int err = mm.CollapseHugePage(addr);
                    if (err == -Errno.EAGAIN || err is -Errno.ENOMEM)
                        return;
                    switch (mm.SplitHugePmd(addr))
                    {
                        case -Errno.EBUSY:
                            return;
                    }
                }

                void NotAnErrnoResult(MmStruct mm, ulong addr, int[] codes)
                {
                    if (Positive(addr == 0) == Errno.EBUSY)             // the callee's codes are positive
                        return;
                    int code = mm.CollapseHugePage(addr);
                    if (code < 0)
                        code = -code;                                    // made positive on purpose
                    if (code == Errno.EAGAIN)
                        return;
                    int other = codes[0];
                    if (other == Errno.EINVAL)                           // nothing known about it
                        return;
                    if (TryRemap(mm, addr, out int remapped) && remapped == Errno.EAGAIN)
                        return;
                }

                bool TryRemap(MmStruct mm, ulong addr, out int err)
                {
                    err = -mm.CollapseHugePage(addr);
                    return err != 0;
                }
            }
            """);

        [Fact]
        public Task FixNegatesTheComparedErrno() => VerifyFix.VerifyCodeFixAsync("""
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
        public Task FixNegatesWhereTheConstantIsWritten() => VerifyFix.VerifyCodeFixAsync("""
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
