// C# shapes around the same discipline: wrappers, guards, monitors, elements, patterns, lambdas, async; and the
// categories of Clang's thread-safety tests (double lock, unlock not held, held at end, held on some paths).
using System;
using System.Threading.Tasks;
using KernelDiscipline.Runtime;

[assembly: LockClassDeclaration("pool_lock", LockKind.Spinning, 850)]
[assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 150)]

public sealed class Pool
{
    [LockClass("pool_lock")]
    private readonly TicketLock gate = new(LockClass.Declare("pool_lock", LockKind.Spinning, 850));

    // expect: none
    [Acquires] public void Lock() => gate.Lock();

    // expect: none
    [Releases] public void Unlock() => gate.Unlock();
}

public sealed class Cache
{
    [LockClass("cache_lock")]
    private readonly object gate = new object();
    private int entries;

    // expect: none
    public void Add()
    {
        lock (gate)
        {
            entries++;
            Touch();
        }
    }

    // expect: none
    private void Touch()
    {
        lock (gate)
        {
            entries--;
        }
    }

    // expect: KD201
    public void OutOfOrder(MmStruct mm)
    {
        mm.MmapLock.DownRead();
        lock (gate)
        {
            entries++;
        }

        mm.MmapLock.UpRead();
    }

    // expect: KD203
    public void UnderASpinlock(Pmd pmd)
    {
        var ptl = pmd.Lock();
        lock (gate)
        {
            entries++;
        }

        ptl.Unlock();
    }
}

public static class ShapesCorpus
{
    // expect: KD203
    public static void SleepUnderWrapper(Pool pool, Folio folio)
    {
        pool.Lock();
        folio.Lock();
        folio.Unlock();
        pool.Unlock();
    }

    // expect: KD204
    public static void WrapperLeft(Pool pool, bool fail)
    {
        pool.Lock();
        if (fail)
            return;
        pool.Unlock();
    }

    // expect: none
    public static void WrapperBalanced(Pool pool)
    {
        pool.Lock();
        pool.Unlock();
    }

    // expect: KD203
    public static void SleepUnderGuard(MmStruct mm, Folio folio)
    {
        using (mm.PageTableLock.LockScope())
        {
            folio.Lock();
            folio.Unlock();
        }
    }

    // expect: none
    public static int ReadUnderGuard(MmStruct mm, ulong addr)
    {
        using var guard = mm.MmapLock.ReadScope();
        return mm.FindVma(addr) is null ? -Errno.EFAULT : 0;
    }

    // expect: KD204
    public static void GuardNeverDisposed(MmStruct mm)
    {
        var guard = mm.MmapLock.ReadScope();
    }

    // expect: KD204
    public static void ElementLeft(Folio[] folios, bool fail)
    {
        folios[0].Lock();
        if (fail)
            return;
        folios[0].Unlock();
    }

    // expect: none
    public static void EachElement(Folio[] folios)
    {
        for (int i = 0; i < folios.Length; i++)
        {
            folios[i].Lock();
            folios[i].Unlock();
        }
    }

    // expect: none
    public static int SwitchOnMap(Pmd pmd, ulong addr)
    {
        switch (pmd.MapLock(addr))
        {
            case null:
                return -Errno.EAGAIN;
            case var pte:
                pte.Unlock();
                return 0;
        }
    }

    // expect: none
    public static (PteMap?, int) ReturnsTuple(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return (null, -Errno.EAGAIN);
        return (pte, 0);
    }

    // expect: KD101
    public static Func<int> LambdaUnchecked(Pmd pmd, ulong addr) => () =>
    {
        var pte = pmd.MapLock(addr);
        pte.Unlock();
        return 0;
    };

    // expect: KD103
    public static int LocalFunctionLeaks(Pmd pmd, ulong addr, bool busy)
    {
        return Inner();

        int Inner()
        {
            var pte = pmd.MapLock(addr);
            if (pte is null)
                return -Errno.EAGAIN;
            if (busy)
                return -Errno.EBUSY;
            pte.Unlock();
            return 0;
        }
    }

    // expect: KD203
    public static async Task AwaitUnderPtl(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return;
        await Task.Yield();
        pte.Unlock();
    }

    // expect: none
    public static async Task AwaitAfterUnlock(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return;
        pte.Unlock();
        await Task.Yield();
    }

    // expect: KD204
    public static void UnlockTwiceThroughTheMap(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return;
        pte.Unlock();
        pte.Unlock();
    }

    // expect: none
    public static void DoubleLockHelper(TicketLock a, TicketLock b)
    {
        LockOrder.DoubleLock(a, b);
        LockOrder.DoubleUnlock(a, b);
    }

    // expect: KD202
    public static void TwoFoliosInCallerOrder(Folio a, Folio b)
    {
        a.Lock();
        b.Lock();
        b.Unlock();
        a.Unlock();
    }

    // expect: none
    public static void SecondFolioTried(Folio a, Folio b)
    {
        a.Lock();
        if (b.TryLock())
            b.Unlock();
        a.Unlock();
    }

    // expect: none
    public static int ReleasedOnEveryPathWithTryFinally(Pmd pmd, ulong addr, Action work)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        try
        {
            work();
            return 0;
        }
        finally
        {
            pte.Unlock();
        }
    }

    // expect: KD103
    public static int LeakedOnException(Pmd pmd, ulong addr, Action work)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        try
        {
            work();
        }
        catch (InvalidOperationException)
        {
            return -Errno.EINVAL;
        }

        pte.Unlock();
        return 0;
    }
}
