using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD304
{
    /// <summary>KD304 (Negate errnos): code that keeps the rule, on which nothing is reported.</summary>
    public class KD304Valid
    {
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
        public Task PositiveErrnosThatNeverReachAReturnAreLeftAlone() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // A sentinel the loop replaces: on the way out it is no longer EAGAIN.
                int Sentinel(ShmemInode file)
                {
                    int ret = Errno.EAGAIN;
                    while (ret == Errno.EAGAIN)
                        ret = file.SizePages == 0 ? -Errno.ENOSPC : 0;
                    return ret;
                }

                int NegatedOnReturn(int n)
                {
                    int err = Errno.EFAULT;
                    if (n < 0)
                        return -Errno.EINVAL;
                    return -err;
                }

                int Overwritten(int n, bool fault)
                {
                    int ret = Errno.EFAULT;
                    if (n < 0)
                        return -Errno.EINVAL;
                    if (fault)
                        ret = -ret;
                    else
                        ret = 0;
                    return ret;
                }

                int WrittenByACall(int n)
                {
                    int ret = Errno.EFAULT;
                    if (n < 0)
                        return -Errno.EINVAL;
                    Read(out ret);
                    return ret;
                }

                int Adjusted(int n)
                {
                    int ret = Errno.EFAULT;
                    if (n < 0)
                        return -Errno.EINVAL;
                    ret -= 100;
                    return ret;
                }

                int JoinedNegatives(int n, bool fault)
                {
                    int ret = -Errno.ENOMEM;
                    if (fault)
                        ret = -Errno.EFAULT;
                    else if (n > 3)
                        ret = n;
                    return ret;
                }

                int Conditional(int done) => done < 0 ? -Errno.EINVAL : done > 0 ? done : -Errno.EFAULT;

                // Positive codes throughout, through a label too: another convention.
                int PositiveCodes(bool busy, bool gone)
                {
                    int code = 0;
                    if (busy)
                    {
                        code = Errno.EBUSY;
                        goto done;
                    }

                    if (gone)
                        code = Errno.ENOENT;
                done:
                    return code;
                }

                bool Patterns(MmStruct mm, ulong addr) => mm.CollapseHugePage(addr) is -Errno.EAGAIN or -Errno.EBUSY or 0;

                static void Read(out int value) => value = 0;
            }
            """);
    }
}
