// Monitor.TryEnter and .NET's blocking waits, in the shapes lock-heavy .NET libraries write them (a flush that gives
// up when another thread is writing, a pool that polls, a timed entry with `ref bool lockTaken`, helpers re-entering
// their caller's monitor), on [LockClass] monitors; and the waits under the mm's spinning locks.
using System;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Runtime;

[assembly: LockClassDeclaration("writer_lock", LockKind.Sleeping, 140)]
[assembly: LockClassDeclaration("queue_lock", LockKind.Sleeping, 145)]
[assembly: LockClassDeclaration("stat_spin", LockKind.Spinning, 870)]

public sealed class BufferedWriter
{
    [LockClass("writer_lock")]
    private readonly object writeLock = new object();
    [LockClass("queue_lock")]
    private readonly object queueLock = new object();
    private int pending;
    private int written;

    // expect: none
    public bool TryFlush()
    {
        if (!Monitor.TryEnter(writeLock))
            return false; // another thread is writing: it flushes what is queued
        try
        {
            written += pending;
            pending = 0;
            return true;
        }
        finally
        {
            Monitor.Exit(writeLock);
        }
    }

    // expect: none
    public bool FlushWithin(TimeSpan timeout)
    {
        bool lockTaken = false;
        try
        {
            Monitor.TryEnter(writeLock, timeout, ref lockTaken);
            if (!lockTaken)
                return false;
            written += pending;
            pending = 0;
            return true;
        }
        finally
        {
            if (lockTaken)
                Monitor.Exit(writeLock);
        }
    }

    // expect: none
    public void FlushBlockingOrNot(bool block, bool reset)
    {
        bool lockTaken = false;
        if (block)
            Monitor.Enter(writeLock, ref lockTaken);
        else
            Monitor.TryEnter(writeLock, 0, ref lockTaken);
        if (reset)
            pending = 0;
        if (lockTaken)
        {
            written += pending;
            Monitor.Exit(writeLock);
        }
    }

    // expect: none
    public void Write(int count)
    {
        lock (writeLock)
        {
            pending += count;
            TryFlush(); // re-enters the monitor this thread holds
        }
    }

    // expect: none
    public void Enqueue(int count)
    {
        lock (writeLock)
        {
            lock (queueLock)
            {
                pending += count;
                Drain(); // re-enters both, in the caller's order
            }
        }
    }

    // expect: none
    private void Drain()
    {
        lock (writeLock)
        {
            lock (queueLock)
            {
                written += pending;
                pending = 0;
            }
        }
    }

    // expect: KD201
    public void EnqueueUnderTheQueueOnly(int count)
    {
        lock (queueLock)
        {
            pending += count;
            TryFlushBlocking(); // takes writer_lock, which comes before queue_lock, while holding queue_lock
        }
    }

    // expect: none
    private void TryFlushBlocking()
    {
        lock (writeLock)
        {
            written += pending;
        }
    }

    // expect: KD204
    public void FlushAndForget()
    {
        if (Monitor.TryEnter(writeLock, 100))
            written += pending; // never exited
    }

    // expect: KD204
    public void StoredAndForgotten()
    {
        bool entered = Monitor.TryEnter(writeLock, TimeSpan.FromMilliseconds(100));
        if (entered)
            written += pending;
    }

    // expect: none
    public void StoredAndTestedTwice(bool count)
    {
        bool entered = Monitor.TryEnter(writeLock, 100);
        if (entered && count)
            written++;
        if (entered)
            Monitor.Exit(writeLock);
    }
}

public sealed class StatsSpin
{
    [LockClass("stat_spin")]
    private readonly object spin = new object();
    private readonly SemaphoreSlim gate = new SemaphoreSlim(1);
    private readonly ManualResetEventSlim ready = new ManualResetEventSlim();
    private long total;

    // expect: KD203
    public void WaitForTheWriterUnderTheSpin(Task writer)
    {
        lock (spin)
        {
            writer.Wait();
            total++;
        }
    }

    // expect: none
    public void WaitThenSpin(Task writer)
    {
        writer.Wait();
        lock (spin)
        {
            total++;
        }
    }

    // expect: KD203
    public static int ResultUnderThePtl(Pmd pmd, ulong addr, Task<int> lookup)
    {
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        int index = lookup.GetAwaiter().GetResult();
        pte.Unlock();
        return index;
    }

    // expect: KD203
    public void BackOffUnderThePmdLock(Pmd pmd)
    {
        var pml = pmd.Lock();
        Thread.Sleep(1);
        pml.Unlock();
    }

    // expect: KD203
    public void SemaphoreUnderThePmdLock(Pmd pmd)
    {
        var pml = pmd.Lock();
        gate.Wait();
        total++;
        gate.Release();
        pml.Unlock();
    }

    // expect: none
    public void PollUnderThePmdLock(Pmd pmd)
    {
        var pml = pmd.Lock();
        if (ready.Wait(0))
            total++;
        if (gate.Wait(TimeSpan.Zero))
            gate.Release();
        pml.Unlock();
    }

    // expect: none
    public async Task AddAsync(long count)
    {
        await gate.WaitAsync();
        try
        {
            await Task.Yield();
            total += count;
        }
        finally
        {
            gate.Release();
        }
    }
}
