// What values carry (issue 27): charges taken in loops, a folio's lock against its reference, maps in tuples and behind
// `?.`, and error exits through labels (mfill_atomic_install_pte, shmem_mfill_atomic_pte, gup's pin loops).
using KernelDiscipline.Runtime;

public static class ValuesCorpus
{
    // expect: none
    private static int Install(Folio folio) => folio.IsUptodate ? 0 : -Errno.EIO;

    // expect: KD103
    public static int RefsInALoopThenALeakedMap(Pmd pmd, ulong addr, Folio folio, int nr)
    {
        for (int i = 0; i < nr; i++)
            folio.Get();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            for (int i = 0; i < nr; i++)
                folio.Put();
            return -Errno.EAGAIN;
        }

        for (int i = 0; i < nr; i++)
            folio.Put();
        return 0;
    }

    // expect: KD203
    public static void RefsInALoopUnderThePageTableLock(MmStruct mm, Folio folio, int nr)
    {
        mm.PageTableLock.Lock();
        for (int i = 0; i < nr; i++)
            folio.Get();
        mm.MmapLock.DownRead();
        mm.MmapLock.UpRead();
        mm.PageTableLock.Unlock();
        for (int i = 0; i < nr; i++)
            folio.Put();
    }

    // expect: KD202
    public static int PinLoopThenTwoPtls(MmStruct mm, Pmd src, Pmd dst, ulong addr, Folio?[] pages, int nr)
    {
        for (int i = 0; i < nr; i++)
            Gup.PinUserPages(mm, addr + (ulong)i * PageGeometry.PageSize, 1, GupFlags.Write, pages);
        var s = src.MapLock(addr);
        if (s is null)
        {
            Gup.UnpinUserPages(pages, nr);
            return -Errno.EAGAIN;
        }

        var d = dst.MapLock(addr);
        d?.Unlock();
        s.Unlock();
        Gup.UnpinUserPages(pages, nr);
        return 0;
    }

    // expect: KD302
    public static int PinLoopNotUndoneOnError(MmStruct mm, ulong addr, Folio?[] pages, int nr, bool fault)
    {
        for (int i = 0; i < nr; i++)
            Gup.PinUserPages(mm, addr + (ulong)i * PageGeometry.PageSize, 1, GupFlags.Write, pages);
        if (fault)
            return -Errno.EFAULT;
        Gup.UnpinUserPages(pages, nr);
        return 0;
    }

    // expect: none
    public static int PinLoopUndoneOnError(MmStruct mm, ulong addr, Folio?[] pages, int nr, bool fault)
    {
        for (int i = 0; i < nr; i++)
            Gup.PinUserPages(mm, addr + (ulong)i * PageGeometry.PageSize, 1, GupFlags.Write, pages);
        if (fault)
        {
            Gup.UnpinUserPages(pages, nr);
            return -Errno.EFAULT;
        }

        return 0;
    }

    // expect: KD204
    public static void AllocLoopThenLockHeld(MmStruct mm, int nr)
    {
        for (int i = 0; i < nr; i++)
        {
            var folio = Folio.Alloc();
            folio.Put();
        }

        mm.MmapLock.DownWrite();
    }

    // expect: none
    public static int RetryTakesARefPerPass(Pmd pmd, ulong addr, Folio folio)
    {
    again:
        folio.Get();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            folio.Put();
            goto again;
        }

        pte.Unlock();
        folio.Put();
        return 0;
    }

    // folio_unlock(); folio_put(); on both paths.
    // expect: none
    public static int UnlockThenPut(Pmd pmd, ulong addr)
    {
        var folio = Folio.Alloc();
        folio.Lock();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            folio.Unlock();
            folio.Put();
            return -Errno.EAGAIN;
        }

        pte.Write(addr, Pte.Make(folio, 0, true));
        pte.Unlock();
        folio.Unlock();
        folio.Put();
        return 0;
    }

    // expect: KD302
    public static int UnlockedButNotPut(Pmd pmd, ulong addr)
    {
        var folio = Folio.Alloc();
        folio.Lock();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            folio.Unlock();
            return -Errno.EAGAIN;
        }

        pte.Write(addr, Pte.Make(folio, 0, true));
        pte.Unlock();
        folio.Unlock();
        return 0;
    }

    // expect: KD103
    public static void LockedAfterPut()
    {
        var folio = Folio.Alloc();
        folio.Put();
        folio.Lock();
        folio.Unlock();
    }

    // expect: none
    public static void PmdLockTakenAgain(Pmd pmd)
    {
        var ptl = pmd.Lock();
        ptl.Unlock();
        ptl.Lock();
        ptl.Unlock();
    }

    // expect: none
    public static int TupleOfMapAndErrno(Pmd pmd, ulong addr)
    {
        var (pte, err) = (pmd.MapLock(addr), -Errno.EAGAIN);
        if (pte is null)
            return err;
        pte.Unlock();
        return 0;
    }

    // expect: KD102
    public static int TupleOfMapAndWrongErrno(Pmd pmd, ulong addr)
    {
        var (pte, err) = (pmd.MapLock(addr), -Errno.EFAULT);
        if (pte is null)
            return err;
        pte.Unlock();
        return 0;
    }

    // expect: KD202
    public static int TwoMapsInATuple(Pmd src, Pmd dst, ulong addr)
    {
        var (s, d) = (src.MapLock(addr), dst.MapLock(addr));
        s?.Unlock();
        d?.Unlock();
        return 0;
    }

    // expect: none
    public static int SwitchOnMapAndEntry(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        var ret = (pte, pte?.Read(addr)) switch
        {
            (null, _) => -Errno.EAGAIN,
            (_, null) => -Errno.ENOENT,
            _ => 0,
        };
        pte?.Unlock();
        return ret;
    }

    // expect: KD102
    public static int SwitchOnMapAndEntryEfault(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        var ret = (pte, pte?.Read(addr)) switch
        {
            (null, _) => -Errno.EFAULT,
            (_, null) => -Errno.ENOENT,
            _ => 0,
        };
        pte?.Unlock();
        return ret;
    }

    // expect: none
    public static int NullReceiver(Pmd? pmd, ulong addr)
    {
        var pte = pmd?.MapLock(addr);
        if (pmd is null)
            return -Errno.EAGAIN;
        if (pte is null)
            return -Errno.EAGAIN;
        pte.Unlock();
        return 0;
    }

    // expect: KD103
    public static int NullReceiverLeak(Pmd? pmd, ulong addr)
    {
        var pte = pmd?.MapLock(addr);
        if (pmd is null)
            return -Errno.EAGAIN;
        return 0;
    }

    // expect: none
    public static int EntryThroughNullConditional(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte?.Read(addr) is null)
        {
            pte?.Unlock();
            return -Errno.EAGAIN;
        }

        pte.Unlock();
        return 0;
    }

    // mfill_atomic_install_pte: -EEXIST and success share out_unlock; the error keeps the reference.
    // expect: KD302
    public static int InstallKeepsTheRefOnEexist(Pmd pmd, ulong addr, Folio folio)
    {
        int ret;
        folio.Get();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            folio.Put();
            return -Errno.EAGAIN;
        }

        ret = -Errno.EEXIST;
        if (pte.Read(addr) is not null)
            goto out_unlock;
        pte.Write(addr, Pte.Make(folio, 0, true));
        ret = 0;
    out_unlock:
        pte.Unlock();
        return ret;
    }

    // expect: none
    public static int InstallPutsTheRefOnEexist(Pmd pmd, ulong addr, Folio folio)
    {
        int ret;
        folio.Get();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            folio.Put();
            return -Errno.EAGAIN;
        }

        ret = -Errno.EEXIST;
        if (pte.Read(addr) is not null)
        {
            folio.Put();
            goto out_unlock;
        }

        pte.Write(addr, Pte.Make(folio, 0, true));
        ret = 0;
    out_unlock:
        pte.Unlock();
        return ret;
    }

    // shmem_mfill_atomic_pte with the ladder out of order: out_unlock falls into out without out_release.
    // expect: KD302
    public static int ShmemLadderSkipsRelease(ShmemInode inode, long index, Pmd pmd, ulong addr)
    {
        int ret = inode.AcctBlocks(1);
        if (ret != 0)
            goto done;
        var folio = Folio.Alloc();
        ret = Install(folio);
        if (ret < 0)
            goto out_release;
        var pte = pmd.MapLock(addr);
        ret = -Errno.EAGAIN;
        if (pte is null)
            goto out_release;
        ret = -Errno.EEXIST;
        if (pte.Read(addr) is not null)
            goto out_unlock;
        pte.Write(addr, Pte.Make(folio, 0, true));
        pte.Unlock();
        return 0;
    out_unlock:
        pte.Unlock();
        goto done;
    out_release:
        folio.Put();
        inode.UnacctBlocks(1);
    done:
        return ret;
    }

    // expect: none
    public static int ShmemLadderInOrder(ShmemInode inode, long index, Pmd pmd, ulong addr)
    {
        int ret = inode.AcctBlocks(1);
        if (ret != 0)
            goto done;
        var folio = Folio.Alloc();
        ret = Install(folio);
        if (ret < 0)
            goto out_release;
        var pte = pmd.MapLock(addr);
        ret = -Errno.EAGAIN;
        if (pte is null)
            goto out_release;
        ret = -Errno.EEXIST;
        if (pte.Read(addr) is not null)
            goto out_unlock;
        pte.Write(addr, Pte.Make(folio, 0, true));
        pte.Unlock();
        return 0;
    out_unlock:
        pte.Unlock();
    out_release:
        folio.Put();
        inode.UnacctBlocks(1);
    done:
        return ret;
    }

    // Two errors reach one label: the return is an error whatever the value.
    // expect: KD302
    public static int TwoErrnosOneLabel(ShmemInode inode, Pmd pmd, ulong addr, bool full)
    {
        int ret;
        if (inode.AcctBlocks(1) != 0)
            return -Errno.ENOSPC;
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            inode.UnacctBlocks(1);
            return -Errno.EAGAIN;
        }

        if (full)
        {
            ret = -Errno.ENOMEM;
            goto out_unlock;
        }

        if (pte.Read(addr) is not null)
        {
            ret = -Errno.EEXIST;
            goto out_unlock;
        }

        pte.Unlock();
        return 0;
    out_unlock:
        pte.Unlock();
        return ret;
    }

    // A helper that returns -EAGAIN, tested, then a shared label where every error path undoes.
    // expect: none
    public static int HelperErrorThroughLabel(ShmemInode inode, Pmd pmd, ulong addr)
    {
        int err = inode.AcctBlocks(1);
        if (err < 0)
            return err;
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            inode.UnacctBlocks(1);
            return -Errno.EAGAIN;
        }

        err = TryLater(pte, addr);
        if (err < 0)
            goto out_unlock;
        pte.Unlock();
        return 0;
    out_unlock:
        pte.Unlock();
        inode.UnacctBlocks(1);
        return err;
    }

    // expect: none
    private static int TryLater(PteMap pte, ulong addr) => pte.Read(addr) is null ? -Errno.EAGAIN : 0;
}
