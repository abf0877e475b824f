using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.UseDoubleLockCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD202
{
    /// <summary>KD202's fix, UseDoubleLockCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD202CodeFix
    {
        [Fact]
        public Task AdjacentPtlsBecomeTheOrderingHelper() => Verify.VerifyCodeFixAsync("""
            using KernelDiscipline.Runtime;

            class C
            {
                int Move(Pmd srcPmd, Pmd dstPmd, ulong src, ulong dst)
                {
                    var srcPte = srcPmd.MapNoLock(src, out var srcPtl);
                    if (srcPte is null)
                        return -Errno.EAGAIN;
                    var dstPte = dstPmd.MapNoLock(dst, out var dstPtl);
                    if (dstPte is null)
                    {
                        srcPte.Dispose();
                        return -Errno.EAGAIN;
                    }
                    srcPtl!.Lock();
                    {|KD202:dstPtl!.Lock()|};
                    dstPte.Write(dst, srcPte.Read(src));
                    dstPtl.Unlock();
                    srcPtl.Unlock();
                    dstPte.Dispose();
                    srcPte.Dispose();
                    return 0;
                }
            }
            """,
            """
            using KernelDiscipline.Runtime;

            class C
            {
                int Move(Pmd srcPmd, Pmd dstPmd, ulong src, ulong dst)
                {
                    var srcPte = srcPmd.MapNoLock(src, out var srcPtl);
                    if (srcPte is null)
                        return -Errno.EAGAIN;
                    var dstPte = dstPmd.MapNoLock(dst, out var dstPtl);
                    if (dstPte is null)
                    {
                        srcPte.Dispose();
                        return -Errno.EAGAIN;
                    }
                    LockOrder.DoubleLock(srcPtl!, dstPtl!);
                    dstPte.Write(dst, srcPte.Read(src));
                    LockOrder.DoubleUnlock(srcPtl!, dstPtl!);
                    dstPte.Dispose();
                    srcPte.Dispose();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task NoFixForFolioLocksOrLocksReleasedApart() => Verify.VerifyCodeFixAsync("""
            class C
            {
                void Folios(Folio a, Folio b)
                {
                    a.Lock();
                    {|KD202:b.Lock()|};
                    b.Unlock();
                    a.Unlock();
                }
            }
            """,
            """
            class C
            {
                void Folios(Folio a, Folio b)
                {
                    a.Lock();
                    {|KD202:b.Lock()|};
                    b.Unlock();
                    a.Unlock();
                }
            }
            """);
    }
}
