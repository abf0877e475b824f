// Lockless PMD snapshots (move_pages, retract_page_tables, collapse): helpers written as extensions of the Runtime's
// sealed types, re-reads that are not re-validations, and snapshots that are stable because the PMD lock is held.
using KernelDiscipline.Runtime;

public static class PmdHelpers
{
    // expect: none
    [LocklessSnapshot]
    public static PmdValue Peek(this Pmd pmd) => pmd.GetLockless();

    // expect: none
    [Revalidates]
    public static bool Unchanged(this Pmd pmd, PmdValue seen) => pmd.Same(seen);

    // expect: none
    [WritesPageTable]
    public static void ClearEntry(this PteMap pte, ulong addr) => pte.Write(addr, null);
}

public static class SnapshotsCorpus
{
    // expect: KD305
    public static int MoveThroughHelpers(Pmd pmd, ulong addr)
    {
        var seen = pmd.Peek();
        if (seen.IsHuge || seen.IsNone)
            return -Errno.EEXIST;
        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
            return -Errno.EAGAIN;
        ptl!.Lock();
        pte.ClearEntry(addr);
        ptl.Unlock();
        pte.Dispose();
        return 0;
    }

    // expect: none
    public static int MoveThroughHelpersRevalidated(Pmd pmd, ulong addr)
    {
        var seen = pmd.Peek();
        if (seen.IsHuge || seen.IsNone)
            return -Errno.EEXIST;
        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
            return -Errno.EAGAIN;
        ptl!.Lock();
        if (!pmd.Unchanged(seen))
        {
            ptl.Unlock();
            pte.Dispose();
            return -Errno.EAGAIN;
        }

        pte.ClearEntry(addr);
        ptl.Unlock();
        pte.Dispose();
        return 0;
    }

    // expect: KD305
    public static int ReReadIsNoRevalidation(Pmd pmd, ulong addr)
    {
        var seen = pmd.GetLockless();
        if (seen.IsHuge)
            return -Errno.EEXIST;
        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
            return -Errno.EAGAIN;
        ptl!.Lock();
        var now = pmd.GetLockless(); // read again, never compared with what was decided on
        pte.Write(addr, null);
        ptl.Unlock();
        pte.Dispose();
        return now.IsHuge ? 1 : 0;
    }

    // expect: none
    public static int RetractUnderThePmdLock(Pmd pmd, ulong addr)
    {
        // retract_page_tables: the PMD lock, then the PTL; what is read under the PMD lock cannot change.
        var pml = pmd.Lock();
        var seen = pmd.GetLockless();
        if (seen.IsHuge || seen.IsNone)
        {
            pml.Unlock();
            return -Errno.EAGAIN;
        }

        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
        {
            pml.Unlock();
            return -Errno.EAGAIN;
        }

        ptl!.Lock();
        pte.Write(addr, null);
        ptl.Unlock();
        pml.Unlock();
        pte.Dispose();
        return 0;
    }

    // expect: none
    public static int CollapseCheckedUnderThePmdLock(Pmd pmd, ulong addr)
    {
        var seen = pmd.GetLockless();
        if (seen.IsHuge)
            return -Errno.EEXIST;
        var pml = pmd.Lock();
        if (!pmd.Same(seen))
        {
            pml.Unlock();
            return -Errno.EAGAIN;
        }

        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
        {
            pml.Unlock();
            return -Errno.EAGAIN;
        }

        ptl!.Lock();
        pte.Write(addr, null);
        ptl.Unlock();
        pml.Unlock();
        pte.Dispose();
        return 0;
    }

    // expect: KD305
    public static int CheckedThenPmdLockDropped(Pmd pmd, ulong addr)
    {
        var seen = pmd.GetLockless();
        if (seen.IsHuge)
            return -Errno.EEXIST;
        var pml = pmd.Lock();
        bool same = pmd.Same(seen);
        pml.Unlock();
        if (!same)
            return -Errno.EAGAIN;
        var pte = pmd.MapNoLock(addr, out var ptl);
        if (pte is null)
            return -Errno.EAGAIN;
        ptl!.Lock();
        pte.Write(addr, null);
        ptl.Unlock();
        pte.Dispose();
        return 0;
    }
}
