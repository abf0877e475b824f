using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD202
{
    /// <summary>KD202 (Nest two locks of one class only through the ordering helper): code that keeps the rule, on which nothing is reported.</summary>
    public class KD202Valid
    {
        [Fact]
        public Task MovePagesPteDoublePtlAndFolioTrylockDance() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // mm/userfaultfd.c move_pages_pte: both PTLs through double_pt_lock; the folio is try-locked under
                // them, and on failure everything is dropped, the folio locked sleeping, and the move retried.
                int MovePagesPte(Pmd dstPmd, Pmd srcPmd, ulong dst, ulong src)
                {
                    Folio? srcFolio = null;
                    int err = 0;
                retry:
                    var dstPte = dstPmd.MapNoLock(dst, out var dstPtl);
                    if (dstPte is null)
                    {
                        err = -Errno.EAGAIN;
                        goto out_;
                    }
                    var srcPte = srcPmd.MapNoLock(src, out var srcPtl);
                    if (srcPte is null)
                    {
                        dstPte.Dispose();
                        err = -Errno.EAGAIN;
                        goto out_;
                    }
                    LockOrder.DoubleLock(dstPtl!, srcPtl!);
                    if (!srcPte.PmdSame() || !dstPte.PmdSame())
                    {
                        LockOrder.DoubleUnlock(dstPtl!, srcPtl!);
                        srcPte.Dispose();
                        dstPte.Dispose();
                        err = -Errno.EAGAIN;
                        goto out_;
                    }
                    if (srcFolio is null)
                    {
                        var folio = srcPte.Read(src)?.Folio;
                        if (folio is null)
                        {
                            LockOrder.DoubleUnlock(dstPtl!, srcPtl!);
                            srcPte.Dispose();
                            dstPte.Dispose();
                            err = -Errno.EBUSY;
                            goto out_;
                        }
                        srcFolio = folio;
                        if (!srcFolio.TryLock())
                        {
                            LockOrder.DoubleUnlock(dstPtl!, srcPtl!);
                            srcPte.Dispose();
                            dstPte.Dispose();
                            srcFolio.Lock(); // now we can block and wait
                            goto retry;
                        }
                    }
                    dstPte.Write(dst, srcPte.Read(src));
                    srcPte.Write(src, null);
                    LockOrder.DoubleUnlock(dstPtl!, srcPtl!);
                    srcPte.Dispose();
                    dstPte.Dispose();
                out_:
                    if (srcFolio is not null)
                        srcFolio.Unlock();
                    return err;
                }
            }
            """);

        [Fact]
        public Task MremapNestedDestinationPtlUnderExclusiveMmapLock() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // mm/mremap.c move_ptes: the destination PTL is taken nested; the exclusive mmap_lock rules out ABBA.
                int MovePtes(MmStruct mm, Pmd oldPmd, Pmd newPmd, ulong oldAddr, ulong newAddr)
                {
                    mm.MmapLock.DownWrite();
                    var oldPte = oldPmd.MapLock(oldAddr);
                    if (oldPte is null)
                    {
                        mm.MmapLock.UpWrite();
                        return -Errno.EAGAIN;
                    }
                    var newPte = newPmd.MapNoLock(newAddr, out var newPtl);
                    if (newPte is null)
                    {
                        oldPte.Unlock();
                        mm.MmapLock.UpWrite();
                        return -Errno.EAGAIN;
                    }
                    newPtl!.LockNested();
                    newPte.Write(newAddr, oldPte.Read(oldAddr));
                    newPtl.Unlock();
                    newPte.Dispose();
                    oldPte.Unlock();
                    mm.MmapLock.UpWrite();
                    return 0;
                }
            }
            """);
    }
}
