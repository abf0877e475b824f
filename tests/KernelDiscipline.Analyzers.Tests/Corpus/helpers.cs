// Helpers and summaries (the kernel's small lock helpers), Monitor and System.Threading.Lock calls, and Clang's
// thread-safety categories: acquire/release pairs through helpers, held at end, released twice, wrong order.
using KernelDiscipline.Runtime;

[assembly: LockClassDeclaration("stats_lock", LockKind.Sleeping, 160)]
[assembly: LockClassDeclaration("queue_lock", LockKind.Spinning, 860)]

public sealed class Stats
{
    [LockClass("stats_lock")]
    private readonly object gate = new object();

    [LockClass("queue_lock")]
    private readonly System.Threading.Lock queue = new System.Threading.Lock();
    private long count;

    // expect: none
    public void Add()
    {
        System.Threading.Monitor.Enter(gate);
        try
        {
            count++;
        }
        finally
        {
            System.Threading.Monitor.Exit(gate);
        }
    }

    // expect: KD204
    public void ExitTwice()
    {
        System.Threading.Monitor.Enter(gate);
        System.Threading.Monitor.Exit(gate);
        System.Threading.Monitor.Exit(gate);
    }

    // expect: KD204
    public void EnterLeft(bool fail)
    {
        System.Threading.Monitor.Enter(gate);
        if (fail)
            return;
        System.Threading.Monitor.Exit(gate);
    }

    // expect: none
    public void EnterTwiceExitTwice()
    {
        System.Threading.Monitor.Enter(gate);
        System.Threading.Monitor.Enter(gate);
        System.Threading.Monitor.Exit(gate);
        System.Threading.Monitor.Exit(gate);
    }

    // expect: KD201
    public void StatsUnderMmapLock(MmStruct mm)
    {
        mm.MmapLock.DownRead();
        lock (gate)
        {
            count++;
        }

        mm.MmapLock.UpRead();
    }

    // expect: none
    public void QueueUnderPtl(Pmd pmd)
    {
        var ptl = pmd.Lock();
        queue.Enter();
        queue.Exit();
        ptl.Unlock();
    }

    // expect: KD204
    public void QueueLeft(bool fail)
    {
        queue.Enter();
        if (fail)
            return;
        queue.Exit();
    }

    // expect: KD203
    public void StatsUnderQueue()
    {
        queue.Enter();
        lock (gate)
        {
            count++;
        }

        queue.Exit();
    }
}

public static class HelpersCorpus
{
    // Returns with the lock held without saying so ([Acquires]): KD204 here; its callers see the lock held.
    // expect: KD204
    private static void LockMm(MmStruct mm) => mm.MmapLock.DownRead();

    // expect: none
    private static void UnlockMm(MmStruct mm) => mm.MmapLock.UpRead();

    // expect: none
    private static Folio Fresh() => Folio.Alloc();

    // expect: none
    public static int ThroughHelpers(MmStruct mm, ulong addr)
    {
        LockMm(mm);
        var vma = mm.FindVma(addr);
        UnlockMm(mm);
        return vma is null ? -Errno.EFAULT : 0;
    }

    // Summaries apply in the bodies the analyzer examines: those that call an annotated API (folio.Lock here).
    // expect: KD204
    public static int HelperLockLeft(MmStruct mm, Folio folio, ulong addr)
    {
        LockMm(mm);
        folio.Lock();
        folio.Unlock();
        if (mm.FindVma(addr) is null)
            return -Errno.EFAULT;
        UnlockMm(mm);
        return 0;
    }

    // expect: KD203
    public static int AllocatesThroughAHelperUnderPtl(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        var folio = Fresh();
        pte.Unlock();
        folio.Put();
        return 0;
    }

    // expect: KD203
    public static int HelperTakesMmapLockUnderPtl(MmStruct mm, Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        LockMm(mm);
        UnlockMm(mm);
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int AllocatesBeforeThePtl(Pmd pmd, ulong addr)
    {
        var folio = Fresh();
        var pte = pmd.MapLock(addr);
        if (pte is null)
        {
            folio.Put();
            return -Errno.EAGAIN;
        }

        pte.Write(addr, Pte.Make(folio, 0, true));
        pte.Unlock();
        return 0;
    }

    // expect: none
    public static int PtlThroughAnAlias(Pmd pmd)
    {
        var ptl = pmd.LockPointer;
        ptl.Lock();
        ptl.Unlock();
        return 0;
    }

    // expect: KD203
    public static void SleepUnderAnAlias(Pmd pmd, Folio folio)
    {
        var ptl = pmd.LockPointer;
        ptl.Lock();
        folio.Lock();
        folio.Unlock();
        ptl.Unlock();
    }

    // expect: none
    public static void NestedAnnotated(TicketLock outer, TicketLock inner)
    {
        outer.Lock();
        inner.LockNested();
        inner.Unlock();
        outer.Unlock();
    }

    // expect: none
    public static int MapPassedToTheReleasingHelper(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        Finish(pte);
        return 0;
    }

    // expect: KD101
    public static int MapPassedUncheckedToTheHelper(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        Finish(pte);
        return 0;
    }

    // expect: none
    public static int MapStoredInAnOutParameter(Pmd pmd, ulong addr, out PteMap? map)
    {
        map = pmd.MapLock(addr);
        return map is null ? -Errno.EAGAIN : 0;
    }

    // expect: KD102
    public static int MapStoredButFailureIsEfault(Pmd pmd, ulong addr, out PteMap? map)
    {
        map = pmd.MapLock(addr);
        return map is null ? -Errno.EFAULT : 0;
    }

    // expect: none
    public static int LocalFunctionReleases(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        Done();
        return 0;

        void Done() => pte.Unlock();
    }

    // expect: KD102
    public static VmFault FaultAroundSigbus(Pmd pmd, ulong addr)
    {
        var pte = pmd.Map(addr);
        if (pte is null)
            return VmFault.SigBus;
        pte.Dispose();
        return VmFault.None;
    }

    // expect: none
    public static VmFault FaultAroundRetry(Pmd pmd, ulong addr)
    {
        var pte = pmd.Map(addr);
        if (pte is null)
            return VmFault.Retry;
        pte.Dispose();
        return VmFault.None;
    }

    // expect: KD103
    public static VmFault FaultAroundLeaks(Pmd pmd, ulong addr, bool done)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return VmFault.NoPage;
        if (done)
            return VmFault.None;
        pte.Unlock();
        return VmFault.None;
    }

    // expect: none
    private static void Finish(PteMap pte) => pte.Unlock();
}
