// Guarded data and lock contracts: the shapes of the kernel's context analysis (Linux 7.0: __guarded_by,
// __must_hold, lockdep_assert_held) and of Clang's thread-safety tests, on the Runtime's locks and on .NET's own.
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Runtime;

public sealed class VmaCounters
{
    private readonly MmStruct mm = new();

    [GuardedBy("mm.MmapLock")]
    private int mapCount;

    [GuardedBy("mm.MmapLock")]
    private long totalVm;

    // expect: none
    public int MapCount()
    {
        mm.MmapLock.DownRead();
        int n = mapCount;
        mm.MmapLock.UpRead();
        return n;
    }

    // expect: KD205
    public void AddUnderRead(long pages)
    {
        mm.MmapLock.DownRead();
        totalVm += pages;
        mm.MmapLock.UpRead();
    }

    // expect: none
    public void Add(long pages)
    {
        mm.MmapLock.DownWrite();
        totalVm += pages;
        mapCount++;
        mm.MmapLock.UpWrite();
    }

    // expect: KD205
    public long Racy() => totalVm;

    // expect: none
    [MustHold("mm.MmapLock")]
    private void Account(long pages)
    {
        Lockdep.AssertHeld(mm.MmapLock); // mmap_assert_write_locked()
        totalVm -= pages;
    }

    // expect: none
    public void Unmap(long pages)
    {
        mm.MmapLock.DownWrite();
        Account(pages);
        mm.MmapLock.UpWrite();
    }

    // expect: KD206
    public void UnmapUnlocked(long pages) => Account(pages);

    // expect: KD206
    public void UnmapUnderRead(long pages)
    {
        mm.MmapLock.DownRead();
        Account(pages);
        mm.MmapLock.UpRead();
    }

    // expect: none
    public int RetryOnContention(long pages)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (!mm.MmapLock.TryDownWrite())
                continue;
            totalVm += pages;
            mm.MmapLock.UpWrite();
            return 0;
        }

        return -Errno.EAGAIN;
    }
}

public static class PteInstall
{
    // expect: none
    [MustHold("pte.Ptl")]
    private static void SetPte(PteMap pte, ulong address, Pte entry) => pte.Write(address, entry);

    // expect: none
    public static int Install(Pmd pmd, ulong address, Pte entry)
    {
        var pte = pmd.MapLock(address);
        if (pte is null)
            return -Errno.EAGAIN;
        if (pte.Read(address) is not null)
        {
            pte.Unlock();
            return -Errno.EEXIST;
        }

        SetPte(pte, address, entry);
        pte.Unlock();
        return 0;
    }

    // expect: KD206
    public static int Lockless(Pmd pmd, ulong address, Pte entry)
    {
        var pte = pmd.Map(address);
        if (pte is null)
            return -Errno.EAGAIN;
        SetPte(pte, address, entry);
        pte.Dispose();
        return 0;
    }
}

public sealed class PageCacheIndex
{
    private readonly ReaderWriterLockSlim rw = new();
    private readonly object statsGate = new();
    private readonly SemaphoreSlim fill = new(1, 1);

    [PtGuardedBy(nameof(rw))]
    private readonly Dictionary<long, int> pages = new();

    [GuardedBy(nameof(statsGate))]
    private long hits;

    [GuardedBy(nameof(fill))]
    private int inFlight;

    // expect: none
    public bool Lookup(long index, out int page)
    {
        rw.EnterReadLock();
        try
        {
            return pages.TryGetValue(index, out page);
        }
        finally
        {
            rw.ExitReadLock();
        }
    }

    // expect: none
    public void Insert(long index, int page)
    {
        rw.EnterUpgradeableReadLock();
        try
        {
            if (pages.ContainsKey(index))
                return;
            rw.EnterWriteLock();
            pages[index] = page;
            rw.ExitWriteLock();
        }
        finally
        {
            rw.ExitUpgradeableReadLock();
        }
    }

    // expect: KD205
    public int Count() => pages.Count;

    // expect: none
    public void Hit()
    {
        lock (statsGate)
            hits++;
    }

    // expect: KD205
    public void Reset()
    {
        lock (statsGate)
        {
        }

        hits = 0;
    }

    // expect: none
    public async Task FillAsync()
    {
        await fill.WaitAsync();
        try
        {
            inFlight++;
            await Task.Yield();
            inFlight--;
        }
        finally
        {
            fill.Release();
        }
    }

    // expect: KD205
    public System.Action Deferred()
    {
        lock (statsGate)
        {
            return () => hits++;
        }
    }

    // expect: none
    public void Batch(long[] indices)
    {
        lock (statsGate)
        {
            foreach (var index in indices)
                Count(index);
        }

        void Count(long index) => hits += index;
    }
}
