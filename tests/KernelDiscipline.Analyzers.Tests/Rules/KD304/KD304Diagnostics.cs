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
    }
}
