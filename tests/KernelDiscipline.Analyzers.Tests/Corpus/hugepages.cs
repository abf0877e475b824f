// Shapes of mm/huge_memory.c, mm/migrate.c, mm/khugepaged.c, mm/pagewalk.c, mm/mprotect.c and mm/rmap.c.
using KernelDiscipline.Runtime;

public static class HugePagesCorpus
{
    // zap_huge_pmd: pmd_trans_huge_lock non-null only for a huge PMD, released on every path.
    // expect: none
    public static int ZapHugePmd(Pmd pmd, Vma vma)
    {
        var ptl = pmd.TransHugeLock(vma);
        if (ptl is null)
            return 0;
        ptl.Unlock();
        return 1;
    }

    // expect: KD101
    public static int ZapHugePmdUnchecked(Pmd pmd, Vma vma)
    {
        var ptl = pmd.TransHugeLock(vma);
        ptl.Unlock();
        return 1;
    }

    // expect: KD203
    public static int SplitSleepsUnderHugeLock(Pmd pmd, Vma vma, Folio folio)
    {
        var ptl = pmd.TransHugeLock(vma);
        if (ptl is null)
            return 0;
        folio.Lock();
        folio.Unlock();
        ptl.Unlock();
        return 1;
    }

    // change_pte_range (mprotect): a failed map returns -EAGAIN to the walk, which retries.
    // expect: none
    public static long ChangePteRange(Pmd pmd, ulong start, ulong end)
    {
        var pte = pmd.MapLock(start);
        if (pte is null)
            return -Errno.EAGAIN;
        long pages = 0;
        for (ulong addr = start; addr < end; addr += PageGeometry.PageSize)
        {
            var entry = pte.Read(addr);
            if (entry is null)
                continue;
            pte.Write(addr, Pte.Make(entry.Folio, entry.Page, false));
            pages++;
        }

        pte.Unlock();
        return pages;
    }

    // expect: KD102
    public static long ChangePteRangeEinval(Pmd pmd, ulong start)
    {
        var pte = pmd.MapLock(start);
        if (pte is null)
            return -Errno.EINVAL;
        pte.Unlock();
        return 0;
    }

    // expect: KD103
    public static long ChangePteRangeLeaksOnEarlyStop(Pmd pmd, ulong start, ulong end)
    {
        var pte = pmd.MapLock(start);
        if (pte is null)
            return -Errno.EAGAIN;
        for (ulong addr = start; addr < end; addr += PageGeometry.PageSize)
        {
            if (pte.Read(addr) is null)
                return 0;
        }

        pte.Unlock();
        return 1;
    }

    // migrate: the rw_nolock map, the PTL taken by the caller, the PMD re-validated before writing.
    // expect: none
    public static int RemoveMigrationPte(Pmd pmd, ulong addr, Folio folio)
    {
        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
            return -Errno.EAGAIN;
        ptl!.Lock();
        if (!pte.PmdSame())
        {
            ptl.Unlock();
            pte.Dispose();
            return -Errno.EAGAIN;
        }

        pte.Write(addr, Pte.Make(folio, 0, true));
        ptl.Unlock();
        pte.Dispose();
        return 0;
    }

    // expect: KD101
    public static int RemoveMigrationPteUnchecked(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapNoLock(addr, out var ptl);
        ptl!.Lock();
        pte.Write(addr, null);
        ptl.Unlock();
        pte.Dispose();
        return 0;
    }

    // expect: KD103
    public static int RemoveMigrationPteLeaksTheMap(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
            return -Errno.EAGAIN;
        ptl!.Lock();
        ptl.Unlock();
        return 0;
    }

    // expect: KD204
    public static int RemoveMigrationPteLeavesThePtl(Pmd pmd, ulong addr, bool busy)
    {
        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
            return -Errno.EAGAIN;
        ptl!.Lock();
        if (busy)
        {
            pte.Dispose();
            return -Errno.EBUSY;
        }

        ptl.Unlock();
        pte.Dispose();
        return 0;
    }

    // collapse_huge_page: mmap_lock for write, anon_vma for write, then the pmd lock.
    // expect: none
    public static void CollapseOrder(MmStruct mm, Vma vma, Pmd pmd)
    {
        mm.MmapLock.DownWrite();
        vma.AnonVma!.Rwsem.DownWrite();
        var pml = pmd.Lock();
        pml.Unlock();
        vma.AnonVma.Rwsem.UpWrite();
        mm.MmapLock.UpWrite();
    }

    // expect: KD203
    public static void CollapseAnonVmaUnderPmdLock(Vma vma, Pmd pmd)
    {
        var pml = pmd.Lock();
        vma.AnonVma!.Rwsem.DownWrite();
        vma.AnonVma.Rwsem.UpWrite();
        pml.Unlock();
    }

    // expect: KD201
    public static void MmapLockUnderAnonVma(MmStruct mm, Vma vma)
    {
        vma.AnonVma!.Rwsem.DownRead();
        mm.MmapLock.DownRead();
        mm.MmapLock.UpRead();
        vma.AnonVma.Rwsem.UpRead();
    }

    // walk_pte_range: a failed map makes the walk go "again" (returns 0 with the action set).
    // expect: none
    public static int WalkPteRange(Pmd pmd, ulong addr, ref bool again)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            again = true;
            return 0;
        }

        pte.Unlock();
        return 0;
    }

    // expect: KD102
    public static int WalkPteRangeEfault(Pmd pmd, ulong addr)
    {
        var pte = pmd.Map(addr);
        if (pte is null)
            return -Errno.EFAULT;
        pte.Dispose();
        return 0;
    }

    // try_to_unmap_one-style: the folio lock is taken by the caller, the PTL under it.
    // expect: none
    public static int UnmapUnderFolioLock(Folio folio, Pmd pmd, ulong addr)
    {
        folio.Lock();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            folio.Unlock();
            return -Errno.EAGAIN;
        }

        pte.Write(addr, null);
        folio.RemoveRmap();
        pte.Unlock();
        folio.Unlock();
        return 0;
    }

    // expect: KD204
    public static int UnmapLeavesFolioLocked(Folio folio, Pmd pmd, ulong addr)
    {
        folio.Lock();
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        pte.Unlock();
        folio.Unlock();
        return 0;
    }

    // expect: KD202
    public static void TwoPmdLocks(Pmd first, Pmd second)
    {
        var a = first.Lock();
        var b = second.Lock();
        b.Unlock();
        a.Unlock();
    }

    // expect: none
    public static void TwoPmdLocksOneAtATime(Pmd first, Pmd second)
    {
        var a = first.Lock();
        a.Unlock();
        var b = second.Lock();
        b.Unlock();
    }

    // expect: KD203
    public static void SleepUnderPageTableLock(MmStruct mm, Vma vma)
    {
        mm.PageTableLock.Lock();
        vma.VmaLock.DownWrite();
        vma.VmaLock.UpWrite();
        mm.PageTableLock.Unlock();
    }

    // expect: none
    public static int PteAllocThenMap(Pmd pmd, ulong addr)
    {
        if (pmd.PteAlloc() < 0)
            return -Errno.ENOMEM;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        pte.Unlock();
        return 0;
    }

    // expect: KD102
    public static int PteAllocThenMapEnomem(Pmd pmd, ulong addr)
    {
        if (pmd.PteAlloc() < 0)
            return -Errno.ENOMEM;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.ENOMEM;
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int MapInLoopWithRetryLabel(Pmd pmd, ulong start, int pages)
    {
        for (int i = 0; i < pages; i++)
        {
            ulong addr = start + ((ulong)i * PageGeometry.PageSize);
        again:
            var pte = pmd.MapLock(addr);
            if (pte is null)
                goto again;
            pte.Unlock();
        }

        return 0;
    }

    // expect: KD101
    public static int MapInLoopUnchecked(Pmd pmd, ulong start, int pages)
    {
        for (int i = 0; i < pages; i++)
        {
            var pte = pmd.MapLock(start + ((ulong)i * PageGeometry.PageSize));
            pte.Unlock();
        }

        return 0;
    }

    // The PTL left held on `continue` is still held when the next iteration maps again: that second map of the class
    // is reported too (KD202), and rightly — it would spin on the same table's lock forever.
    // expect: KD103, KD202
    public static int MapInLoopLeaksOnContinue(Pmd pmd, ulong start, int pages)
    {
        for (int i = 0; i < pages; i++)
        {
            ulong addr = start + ((ulong)i * PageGeometry.PageSize);
            var pte = pmd.MapLock(addr);
            if (pte is null)
                return -Errno.EAGAIN;
            if (pte.Read(addr) is null)
                continue;
            pte.Unlock();
        }

        return 0;
    }
}
