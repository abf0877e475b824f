// Shapes of mm/memory.c, mm/madvise.c, mm/khugepaged.c, mm/mremap.c, mm/gup.c and mm/filemap.c.
using KernelDiscipline.Runtime;

public static class MemoryCorpus
{
    // do_anonymous_page: a failed map returns 0 from the fault handler — the refault is the retry.
    // expect: none
    public static VmFault AnonymousFault(Pmd pmd, ulong addr, Folio folio)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return VmFault.None;
        if (pte.Read(addr) is not null)
        {
            pte.Unlock();
            return VmFault.None;
        }

        pte.Write(addr, Pte.Make(folio, 0, true));
        pte.Unlock();
        return VmFault.None;
    }

    // expect: KD102
    public static VmFault AnonymousFaultSigbus(Pmd pmd, ulong addr, Folio folio)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return VmFault.SigBus;
        pte.Write(addr, Pte.Make(folio, 0, true));
        pte.Unlock();
        return VmFault.None;
    }

    // do_swap_page-style: NoPage after a failed map.
    // expect: none
    public static VmFault SwapFaultNoPage(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return VmFault.NoPage;
        pte.Unlock();
        return VmFault.None;
    }

    // zap_pte_range: the walk skips a table that went away (silent skip, allowed by default).
    // expect: none
    public static int ZapRange(Pmd pmd, ulong start, ulong end)
    {
        int zapped = 0;
        var pte = pmd.MapLock(start);
        if (pte is null)
            return 0;
        for (ulong addr = start; addr < end; addr += PageGeometry.PageSize)
        {
            if (pte.Read(addr) is null)
                continue;
            pte.Write(addr, null);
            zapped++;
        }

        pte.Unlock();
        return zapped;
    }

    // madvise_cold_or_pageout_pte_range: `goto again` after a failed map under a counter.
    // expect: none
    public static int PageoutRange(Pmd pmd, ulong addr)
    {
        int tries = 0;
    again:
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            if (++tries < 3)
                goto again;
            return -Errno.EAGAIN;
        }

        pte.Unlock();
        return 0;
    }

    // expect: KD102
    public static int PageoutRangeThrows(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            throw new System.InvalidOperationException("page table went away");
        pte.Unlock();
        return 0;
    }

    // expect: KD102
    public static void PageoutRangeCrashes(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        Kernel.BugOn(pte is null);
        pte.Unlock();
    }

    // expect: KD101
    public static int ReadEntryUnchecked(Pmd pmd, ulong addr)
    {
        var pte = pmd.Map(addr);
        int present = pte.Read(addr) is null ? 0 : 1;
        pte.Dispose();
        return present;
    }

    // expect: none
    public static int ReadEntryWithUsing(Pmd pmd, ulong addr)
    {
        using var pte = pmd.Map(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        return pte.Read(addr) is null ? 0 : 1;
    }

    // expect: KD103
    public static int ReadEntryLeaksLocklessMap(Pmd pmd, ulong addr)
    {
        var pte = pmd.Map(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        return pte.Read(addr) is null ? 0 : 1;
    }

    // expect: KD103
    public static int UsedAfterUnlock(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        pte.Unlock();
        return pte.Read(addr) is null ? 0 : 1;
    }

    // khugepaged retract: pmd lock, then the table's ptl nested inside it (the documented order).
    // expect: none
    public static int RetractUnderPmdLock(Pmd pmd, ulong addr)
    {
        var pml = pmd.Lock();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            pml.Unlock();
            return -Errno.EAGAIN;
        }

        pte.Unlock();
        pml.Unlock();
        return 0;
    }

    // expect: KD201
    public static int PmdLockUnderPtl(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        var pml = pmd.Lock();
        pml.Unlock();
        pte.Unlock();
        return 0;
    }

    // mremap move_ptes: the second PTL of the class taken nested under the exclusive mmap_lock.
    // expect: none
    public static void MoveNested(MmStruct mm, TicketLock oldPtl, TicketLock newPtl)
    {
        mm.MmapLock.DownWrite();
        oldPtl.Lock();
        newPtl.LockNested();
        newPtl.Unlock();
        oldPtl.Unlock();
        mm.MmapLock.UpWrite();
    }

    // filemap_map_pages after the review: map lock first, then try-lock each folio.
    // expect: none
    public static VmFault MapPages(Pmd pmd, ulong start, Folio[] folios)
    {
        var pte = pmd.MapLock(start);
        if (pte is null)
            return VmFault.None;
        ulong addr = start;
        foreach (var folio in folios)
        {
            if (!folio.TryLock())
            {
                addr += PageGeometry.PageSize;
                continue;
            }

            if (pte.Read(addr) is null)
                pte.Write(addr, Pte.Make(folio, 0, false));
            folio.Unlock();
            addr += PageGeometry.PageSize;
        }

        pte.Unlock();
        return VmFault.None;
    }

    // filemap_map_pages before the review: a sleeping folio lock under the PTL.
    // expect: KD203
    public static VmFault MapPagesSleeps(Pmd pmd, ulong start, Folio[] folios)
    {
        var pte = pmd.MapLock(start);
        if (pte is null)
            return VmFault.None;
        foreach (var folio in folios)
        {
            folio.Lock();
            folio.Unlock();
        }

        pte.Unlock();
        return VmFault.None;
    }

    // follow_page_pte: a failed map makes GUP fall back to faulting (-EAGAIN to the walker).
    // expect: none
    public static int FollowPage(Pmd pmd, ulong addr, out Folio? page)
    {
        page = null;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        var entry = pte.Read(addr);
        if (entry is null)
        {
            pte.Unlock();
            return -Errno.ENOENT;
        }

        page = entry.Folio;
        page.Get();
        pte.Unlock();
        return 0;
    }

    // expect: KD102
    public static int FollowPageEfault(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EFAULT;
        pte.Unlock();
        return 0;
    }

    // A helper that hands the map to its caller by contract.
    // expect: none
    [Fallible, Acquires(LockClass.PtlName)]
    public static PteMap? LockPte(Pmd pmd, ulong addr) => pmd.MapLock(addr);

    // expect: KD101
    public static int UsesWrapperUnchecked(Pmd pmd, ulong addr)
    {
        var pte = LockPte(pmd, addr);
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int UsesWrapperChecked(Pmd pmd, ulong addr)
    {
        var pte = LockPte(pmd, addr);
        if (pte is null)
            return -Errno.EAGAIN;
        pte.Unlock();
        return 0;
    }
}
