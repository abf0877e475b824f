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
            Verify.Diagnostic("KD304").WithLocation(0).WithArguments("Errno.EAGAIN", "-Errno.EEXIST", "Errno.EAGAIN"));

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
