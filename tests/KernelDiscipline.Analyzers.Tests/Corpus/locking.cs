// Shapes of Clang's thread-safety test categories and of mm lock usage (mmap_lock, anon_vma, folio lock, ptl).
using KernelDiscipline.Runtime;

public static class LockingCorpus
{
    // expect: none
    public static int ReadVmaUnderMmapLock(MmStruct mm, ulong addr)
    {
        mm.MmapLock.DownRead();
        var vma = mm.FindVma(addr);
        mm.MmapLock.UpRead();
        return vma is null ? -Errno.EFAULT : 0;
    }

    // expect: KD204
    public static int HeldAtErrorReturn(MmStruct mm, ulong addr)
    {
        mm.MmapLock.DownRead();
        var vma = mm.FindVma(addr);
        if (vma is null)
            return -Errno.EFAULT;
        mm.MmapLock.UpRead();
        return 0;
    }

    // expect: KD204
    public static void ReleasedTwice(MmStruct mm)
    {
        mm.MmapLock.DownWrite();
        mm.MmapLock.UpWrite();
        mm.MmapLock.UpWrite();
    }

    // expect: KD204
    public static void TakenTwice(MmStruct mm)
    {
        mm.PageTableLock.Lock();
        mm.PageTableLock.Lock();
        mm.PageTableLock.Unlock();
    }

    // expect: KD201
    public static void FolioLockUnderAnonVma(Vma vma, Folio folio)
    {
        vma.AnonVma!.Rwsem.DownWrite();
        folio.Lock();
        folio.Unlock();
        vma.AnonVma.Rwsem.UpWrite();
    }

    // expect: none
    public static void FolioLockThenAnonVma(Vma vma, Folio folio)
    {
        folio.Lock();
        vma.AnonVma!.Rwsem.DownWrite();
        vma.AnonVma.Rwsem.UpWrite();
        folio.Unlock();
    }

    // expect: KD203
    public static void AllocateUnderPageTableLock(MmStruct mm)
    {
        mm.PageTableLock.Lock();
        var folio = Folio.Alloc();
        mm.PageTableLock.Unlock();
        folio.Put();
    }

    // expect: none
    public static void AllocateBeforePageTableLock(MmStruct mm)
    {
        var folio = Folio.Alloc();
        mm.PageTableLock.Lock();
        mm.PageTableLock.Unlock();
        folio.Put();
    }

    // expect: none
    public static int TryLockOnBothBranches(MmStruct mm)
    {
        if (!mm.MmapLock.TryDownRead())
            return -Errno.EAGAIN;
        mm.MmapLock.UpRead();
        return 0;
    }

    // Correlated conditional locking (`if (take) lock … if (take) unlock` in the caller's mind): the analysis does not
    // follow booleans, so a release of a lock held on some paths only is left alone rather than guessed (no false
    // alarm on the correlated form; Clang reports both).
    // expect: none
    public static void HeldOnSomePaths(MmStruct mm, bool take)
    {
        if (take)
            mm.MmapLock.DownRead();
        mm.MmapLock.UpRead();
    }

    // expect: none
    public static void ReleasedInFinally(MmStruct mm, System.Action work)
    {
        mm.MmapLock.DownWrite();
        try
        {
            work();
        }
        finally
        {
            mm.MmapLock.UpWrite();
        }
    }

    // expect: none
    public static void GuardScope(MmStruct mm, ulong addr)
    {
        using (mm.MmapLock.ReadScope())
        {
            mm.FindVma(addr);
        }
    }

    // expect: KD203
    public static void PmdLockThenMmapLock(MmStruct mm, Pmd pmd)
    {
        var ptl = pmd.Lock();
        mm.MmapLock.DownRead();
        mm.MmapLock.UpRead();
        ptl.Unlock();
    }

    // expect: none
    public static void MmapLockThenPmdLock(MmStruct mm, Pmd pmd)
    {
        mm.MmapLock.DownRead();
        var ptl = pmd.Lock();
        ptl.Unlock();
        mm.MmapLock.UpRead();
    }
}
