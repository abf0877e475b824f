using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD304
{
    /// <summary>KD304 (Negate errnos): code the rule flags, and where.</summary>
    public class KD304Diagnostics
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
            Verify.Diagnostic("KD304").WithLocation(0).WithLocation(0).WithArguments("Errno.EAGAIN", "returns a positive errno where this method's errors are negative (-Errno.EEXIST)", "Errno.EAGAIN"));

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
            Verify.Diagnostic("KD304").WithLocation(0).WithLocation(0)
                .WithArguments("mm.ZapRange(start, start + PageGeometry.PageSize) == Errno.EAGAIN", "compares a positive errno with the result of ZapRange(), a negative errno on failure: never equal", "Errno.EAGAIN"));

        [Fact]
        public Task PositiveErrnosReachingAReturnOnSomePath() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // The kernel's `ret = -EFAULT; if (…) goto out_unlock;` with the sign lost.
                int ThroughALabel(Pmd pmd, ulong addr, bool bad)
                {
                    int ret;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    ret = {|#1:Errno.EFAULT|};
                    if (bad)
                        goto outUnlock;
                    ret = 0;
                outUnlock:
                    pte.Unlock();
                    return {|#0:ret|};
                }

                // One label falling through into the next.
                int ThroughALadder(Pmd pmd, ulong addr)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto done;
                    ret = Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto outUnlock;
                    ret = 0;
                outUnlock:
                    pte.Unlock();
                done:
                    return {|KD304:ret|};
                }

                int ThroughABreak(int[] items)
                {
                    int ret = 0;
                    foreach (var item in items)
                    {
                        if (item < 0)
                        {
                            ret = Errno.EINVAL;
                            break;
                        }
                    }

                    if (items.Length == 0)
                        return -Errno.ENOENT;
                    return {|KD304:ret|};
                }

                int JoinedWithOtherValues(int n, bool fault)
                {
                    int ret = -Errno.ENOMEM;
                    if (fault)
                        ret = Errno.EFAULT;
                    else if (n > 3)
                        ret = n;
                    return {|KD304:ret|};
                }

                int FromASwitch(int kind)
                {
                    int ret;
                    switch (kind)
                    {
                        case 0:
                            ret = -Errno.EINVAL;
                            break;
                        case 1:
                            ret = Errno.EBUSY;
                            break;
                        default:
                            ret = 0;
                            break;
                    }

                    return {|KD304:ret|};
                }

                int Conditional(int done)
                {
                    if (done < 0)
                        return -Errno.EINVAL;
                    return {|KD304:done > 0 ? done : Errno.EFAULT|};
                }

                long Copied(long done) => {|KD304:done < 0 ? -Errno.EINVAL : done == 0 ? Errno.EFAULT : done|};
            }
            """,
            Verify.Diagnostic("KD304").WithLocation(0).WithLocation(1)
                .WithArguments("ret", "returns a positive errno where this method's errors are negative (-Errno.EAGAIN)", "Errno.EFAULT"));

        [Fact]
        public Task ComparisonsThroughPatternsAndAssignments() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                bool OrPattern(MmStruct mm, ulong addr)
                {
                    int err = mm.CollapseHugePage(addr);
                    return err is {|#0:Errno.EAGAIN|} or {|KD304:Errno.EBUSY|};
                }

                bool Direct(MmStruct mm, ulong addr) =>
                    mm.CollapseHugePage(addr) is -Errno.EBUSY or {|KD304:Errno.EAGAIN|};

                bool Negated(MmStruct mm, ulong addr) => mm.SplitHugePmd(addr) is not {|KD304:Errno.EBUSY|};

                string Cases(MmStruct mm, ulong addr)
                {
                    switch (mm.SplitHugePmd(addr))
                    {
                        case {|KD304:Errno.EBUSY|} or {|KD304:Errno.EAGAIN|}:
                            return "retry";
                        default:
                            return "done";
                    }
                }

                // UFFDIO_COPY's retry loop with the sign lost: the loop never runs again.
                long AssignedInTheComparison(Userfaultfd uffd, ulong dst, ulong src)
                {
                    long ret;
                    while ((ret = uffd.Copy(dst, src, PageGeometry.PageSize)) == {|KD304:Errno.EAGAIN|})
                    {
                    }

                    return ret;
                }

                bool AssignedThenCompared(MmStruct mm, ulong addr)
                {
                    int err;
                    if ((err = mm.CollapseHugePage(addr)) != {|KD304:Errno.EAGAIN|})
                        return false;
                    return err == -Errno.EAGAIN;
                }
            }
            """,
            Verify.Diagnostic("KD304").WithLocation(0).WithLocation(0)
                .WithArguments("err is Errno.EAGAIN or Errno.EBUSY", "compares a positive errno with 'err' (from CollapseHugePage()), a negative errno on failure: never equal", "Errno.EAGAIN"));
    }
}
