// Shapes of mm/userfaultfd.c: mfill_atomic_install_pte, mfill_atomic, move_pages_pte.
using KernelDiscipline.Runtime;

public static class UserfaultfdCorpus
{
    // expect: none
    public static int InstallPteReviewed(Pmd pmd, ulong dst, Folio folio)
    {
        int ret = -Errno.EAGAIN;
        var pte = pmd.MapLock(dst);
        if (pte is null)
            goto out_;
        ret = -Errno.EEXIST;
        if (pte.Read(dst) is not null)
            goto out_unlock;
        pte.Write(dst, Pte.Make(folio, 0, true));
        ret = 0;
    out_unlock:
        pte.Unlock();
    out_:
        return ret;
    }

    // expect: KD102
    public static int InstallPteBeforeReview(Pmd pmd, ulong dst, Folio folio)
    {
        int ret = -Errno.EFAULT;
        var pte = pmd.MapLock(dst);
        if (pte is null)
            goto out_;
        ret = -Errno.EEXIST;
        if (pte.Read(dst) is not null)
            goto out_unlock;
        pte.Write(dst, Pte.Make(folio, 0, true));
        ret = 0;
    out_unlock:
        pte.Unlock();
    out_:
        return ret;
    }

    // expect: KD103
    public static int InstallPteLeaksOnEexist(Pmd pmd, ulong dst, Folio folio)
    {
        var pte = pmd.MapLock(dst);
        if (pte is null)
            return -Errno.EAGAIN;
        if (pte.Read(dst) is not null)
            return -Errno.EEXIST;
        pte.Write(dst, Pte.Make(folio, 0, true));
        pte.Unlock();
        return 0;
    }

    // expect: KD101
    public static int InstallPteUnchecked(Pmd pmd, ulong dst, Folio folio)
    {
        var pte = pmd.MapLock(dst);
        pte.Write(dst, Pte.Make(folio, 0, true));
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static long MfillRetriesEagain(Pmd pmd, ulong start, int pages, Folio folio)
    {
        long copied = 0;
        for (int i = 0; i < pages; i++)
        {
            ulong dst = start + ((ulong)i * PageGeometry.PageSize);
            int err;
            do
            {
                err = InstallPteReviewed(pmd, dst, folio);
            }
            while (err == -Errno.EAGAIN);
            if (err < 0)
                return copied > 0 ? copied : err;
            copied += (long)PageGeometry.PageSize;
        }

        return copied;
    }

    // expect: none
    public static int MovePtesDoubleLocked(Pmd dstPmd, Pmd srcPmd, ulong dst, ulong src)
    {
    retry:
        var dstPte = dstPmd.MapLock(dst);
        if (dstPte is null)
            return -Errno.EAGAIN;
        dstPte.Unlock();
        var srcPte = srcPmd.MapNoLock(src, out var srcPtl);
        if (srcPte is null)
            goto retry;
        var dstMap = dstPmd.MapNoLock(dst, out var dstPtl);
        if (dstMap is null)
        {
            srcPte.Dispose();
            goto retry;
        }

        LockOrder.DoubleLock(dstPtl!, srcPtl!);
        dstMap.Write(dst, srcPte.Read(src));
        srcPte.Write(src, null);
        LockOrder.DoubleUnlock(dstPtl!, srcPtl!);
        dstMap.Dispose();
        srcPte.Dispose();
        return 0;
    }

    // expect: KD202
    public static int MovePtesCallerOrder(Pmd dstPmd, Pmd srcPmd, ulong dst, ulong src)
    {
        var dstPte = dstPmd.MapLock(dst);
        if (dstPte is null)
            return -Errno.EAGAIN;
        var srcPte = srcPmd.MapLock(src);
        if (srcPte is null)
        {
            dstPte.Unlock();
            return -Errno.EAGAIN;
        }

        dstPte.Write(dst, srcPte.Read(src));
        srcPte.Write(src, null);
        srcPte.Unlock();
        dstPte.Unlock();
        return 0;
    }

    // expect: KD203
    public static int MoveLocksFolioUnderPtl(Pmd pmd, ulong src)
    {
        var pte = pmd.MapLock(src);
        if (pte is null)
            return -Errno.EAGAIN;
        var folio = pte.Read(src)?.Folio;
        if (folio is null)
        {
            pte.Unlock();
            return -Errno.EBUSY;
        }

        folio.Lock();
        folio.Unlock();
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int MoveTriesFolioUnderPtl(Pmd pmd, ulong src)
    {
    retry:
        var pte = pmd.MapLock(src);
        if (pte is null)
            return -Errno.EAGAIN;
        var folio = pte.Read(src)?.Folio;
        if (folio is null)
        {
            pte.Unlock();
            return -Errno.EBUSY;
        }

        if (!folio.TryLock())
        {
            pte.Unlock();
            folio.Lock();
            folio.Unlock();
            goto retry;
        }

        folio.Unlock();
        pte.Unlock();
        return 0;
    }
}
