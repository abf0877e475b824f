using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD202
{
    /// <summary>KD202 (Nest two locks of one class only through the ordering helper): code the rule flags, and where.</summary>
    public class KD202Diagnostics
    {
        [Fact]
        public Task TwoPtlsInCallerOrder() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Move(Pmd dstPmd, Pmd srcPmd, ulong dst, ulong src)
                {
                    var dstPte = {|#1:dstPmd.MapLock(dst)|};
                    if (dstPte is null)
                        return -Errno.EAGAIN;
                    var srcPte = {|#0:srcPmd.MapLock(src)|};
                    if (srcPte is null)
                    {
                        dstPte.Unlock();
                        return -Errno.EAGAIN;
                    }
                    srcPte.Unlock();
                    dstPte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD202").WithLocation(0).WithLocation(1).WithArguments("srcPmd.MapLock(src)", "ptl", "5"));

        [Fact]
        public Task TwoFolioLocksAndTwoMmapLocks() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Folios(Folio a, Folio b)
                {
                    a.Lock();
                    {|KD202:b.Lock()|};
                    b.Unlock();
                    a.Unlock();
                }

                void Mms(MmStruct src, MmStruct dst)
                {
                    src.MmapLock.DownRead();
                    {|KD202:dst.MmapLock.DownRead()|};
                    dst.MmapLock.UpRead();
                    src.MmapLock.UpRead();
                }
            }
            """);
    }
}
