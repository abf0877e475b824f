// Failure paths and their outcomes (seed 000's review applied), and lock balance on error paths.
using KernelDiscipline.Runtime;

public sealed class AddressSpaceLike
{
    [LockClass(LockClass.IMmapRwsemName)]
    public RwSemaphore IMmap { get; } = new RwSemaphore(LockClass.Get(LockClass.IMmapRwsemName));
}

public static class ErrorsCorpus
{
    // expect: KD102
    public static int EnomemAfterFailedMap(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.ENOMEM;
        pte.Unlock();
        return 0;
    }

    // expect: KD102
    public static int EexistThroughALocal(Pmd pmd, ulong addr)
    {
        int err = -Errno.EEXIST;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return err;
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int EagainThroughALocal(Pmd pmd, ulong addr)
    {
        int err = -Errno.EAGAIN;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return err;
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int RetryWhileLoop(Pmd pmd, ulong addr)
    {
        while (true)
        {
            var pte = pmd.MapLock(addr);
            if (pte is null)
                continue;
            pte.Unlock();
            return 0;
        }
    }

    // expect: none
    public static bool TryMapBool(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return false;
        pte.Unlock();
        return true;
    }

    // expect: KD101
    public static void PassedOnUnchecked(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        Release(pte);
    }

    // expect: KD101
    public static void Discarded(Pmd pmd, ulong addr)
    {
        pmd.MapLock(addr);
    }

    // expect: KD101
    public static void ForgivenWithBang(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        pte!.Unlock();
    }

    // expect: none
    public static void PassedOnChecked(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte != null)
            Release(pte);
    }

    // expect: none
    public static void NullConditionalRelease(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        pte?.Unlock();
    }

    // expect: KD103
    public static int LeakAtBreakInLoop(Pmd pmd, ulong start, ulong end)
    {
        for (ulong addr = start; addr < end; addr += PageGeometry.PageSize)
        {
            var pte = pmd.MapLock(addr);
            if (pte is null)
                return -Errno.EAGAIN;
            if (pte.Read(addr) is not null)
                break;
            pte.Unlock();
        }

        return 0;
    }

    // expect: KD103
    public static int LeakInSwitch(Pmd pmd, ulong addr, int how)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        switch (how)
        {
            case 0:
                pte.Unlock();
                return 0;
            case 1:
                return -Errno.EINVAL;
            default:
                pte.Unlock();
                return 1;
        }
    }

    // expect: KD103
    public static int LeakAtThrow(Pmd pmd, ulong addr, bool bad)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        if (bad)
            throw new System.ArgumentException("bad address", nameof(addr));
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int ReleasedBeforeThrow(Pmd pmd, ulong addr, bool bad)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        if (bad)
        {
            pte.Unlock();
            throw new System.ArgumentException("bad address", nameof(addr));
        }

        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int GotoOutUnlock(Pmd pmd, ulong addr, bool busy)
    {
        int ret = 0;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        if (busy)
        {
            ret = -Errno.EBUSY;
            goto out_unlock;
        }

        pte.Write(addr, null);
    out_unlock:
        pte.Unlock();
        return ret;
    }

    // i_mmap_rwsem comes before anon_vma's rwsem.
    // expect: KD201
    public static void IMmapUnderAnonVma(Vma vma, AddressSpaceLike mapping)
    {
        vma.AnonVma!.Rwsem.DownRead();
        mapping.IMmap.DownRead();
        mapping.IMmap.UpRead();
        vma.AnonVma.Rwsem.UpRead();
    }

    // expect: none
    public static void IMmapThenAnonVma(Vma vma, AddressSpaceLike mapping)
    {
        mapping.IMmap.DownRead();
        vma.AnonVma!.Rwsem.DownRead();
        vma.AnonVma.Rwsem.UpRead();
        mapping.IMmap.UpRead();
    }

    // expect: KD201
    public static void MmapLockUnderVmaLock(MmStruct mm, Vma vma)
    {
        vma.VmaLock.DownRead();
        mm.MmapLock.DownRead();
        mm.MmapLock.UpRead();
        vma.VmaLock.UpRead();
    }

    // expect: none
    public static void VmaLockUnderMmapLock(MmStruct mm, Vma vma)
    {
        mm.MmapLock.DownWrite();
        vma.VmaLock.DownWrite();
        vma.VmaLock.UpWrite();
        mm.MmapLock.UpWrite();
    }

    // expect: KD204
    public static int WriteLockLeftOnEinval(MmStruct mm, ulong addr)
    {
        mm.MmapLock.DownWrite();
        if (mm.FindVma(addr) is null)
            return -Errno.EINVAL;
        mm.MmapLock.UpWrite();
        return 0;
    }

    // expect: none
    public static int WriteLockReleasedOnEveryPath(MmStruct mm, ulong addr)
    {
        mm.MmapLock.DownWrite();
        if (mm.FindVma(addr) is null)
        {
            mm.MmapLock.UpWrite();
            return -Errno.EINVAL;
        }

        mm.MmapLock.UpWrite();
        return 0;
    }

    // expect: KD203
    public static int FaultUnderPtl(MmStruct mm, Vma vma, Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        mm.HandleMmFault(vma, addr, write: true);
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int FaultAfterUnlock(MmStruct mm, Vma vma, Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        bool present = pte.Read(addr) is not null;
        pte.Unlock();
        if (!present)
            mm.HandleMmFault(vma, addr, write: true);
        return 0;
    }

    // expect: KD203
    public static void MmapLockUnderLocklessMap(MmStruct mm, Pmd pmd, ulong addr)
    {
        using var pte = pmd.Map(addr);
        if (pte is null)
            return;
        mm.MmapLock.DownRead();
        mm.MmapLock.UpRead();
    }

    // expect: none
    public static int TransHugeHeld(Pmd pmd, Vma vma)
    {
        var ptl = pmd.TransHugeLock(vma);
        if (ptl is null)
            return 0;
        ptl.Unlock();
        return 1;
    }

    // expect: KD103
    public static int TransHugeLeaked(Pmd pmd, Vma vma, bool busy)
    {
        var ptl = pmd.TransHugeLock(vma);
        if (ptl is null)
            return 0;
        if (busy)
            return -Errno.EBUSY;
        ptl.Unlock();
        return 1;
    }

    // expect: none
    private static void Release(PteMap pte) => pte.Unlock();
}
