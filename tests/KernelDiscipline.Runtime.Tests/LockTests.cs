using System;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    public class LockTests
    {
        [Fact]
        public void TicketLockExcludesAndCountsExactly()
        {
            var ptl = new TicketLock(LockClass.Ptl);
            long counter = 0;
            const int PerThread = 20_000;
            var threads = new Thread[4];
            for (int t = 0; t < threads.Length; t++)
            {
                threads[t] = OtherThread.Start(() =>
                {
                    for (int i = 0; i < PerThread; i++)
                    {
                        ptl.Lock();
                        counter++; // unsynchronised increment: only mutual exclusion keeps it exact
                        ptl.Unlock();
                    }
                });
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.Equal(threads.Length * PerThread, counter);
            Assert.False(ptl.IsLocked);
        }

        [Fact]
        public void TicketLockRejectsUnlockNotHeldAndRecursion()
        {
            var ptl = new TicketLock(LockClass.Ptl);
            Assert.Contains("not locked", Assert.Throws<LockStateException>(() => ptl.Unlock()).Message);
            ptl.Lock();
            Assert.Contains("Recursive", Assert.Throws<LockStateException>(() => ptl.Lock()).Message);
            var other = OtherThread.Run(() => Assert.Throws<LockStateException>(() => ptl.Unlock()));
            Assert.Contains("not by the calling thread", other.Message);
            Assert.False(OtherThread.Run(() => ptl.TryLock()));
            ptl.Unlock();
            Assert.True(ptl.TryLock());
            ptl.Unlock();
        }

        [Fact]
        public void RwSemaphoreAdmitsReadersTogetherAndWritersAlone()
        {
            var sem = new RwSemaphore(LockClass.MmapLock);
            sem.DownRead();
            Assert.True(OtherThread.Run(() =>
            {
                bool got = sem.TryDownRead();
                if (got)
                {
                    sem.UpRead();
                }

                return got;
            }));
            Assert.False(OtherThread.Run(() => sem.TryDownWrite()));
            sem.UpRead();
            Assert.Equal(0, sem.ReaderCount);

            sem.DownWrite();
            Assert.True(sem.IsWriteHeldByCurrentThread);
            Assert.False(OtherThread.Run(() => sem.TryDownRead()));
            Assert.Throws<LockStateException>(() => sem.DownRead());
            sem.UpWrite();
            Assert.False(sem.IsLocked);
        }

        [Fact]
        public void RwSemaphoreRejectsUnbalancedReleases()
        {
            var sem = new RwSemaphore(LockClass.MmapLock);
            Assert.Throws<LockStateException>(() => sem.UpRead());
            Assert.Throws<LockStateException>(() => sem.UpWrite());
            sem.DownWrite();
            Assert.Throws<LockStateException>(() => OtherThread.Run(() => sem.UpWrite()));
            sem.Unlock();
        }

        [Fact]
        public void WaitingWriterIsNotStarvedByNewReaders()
        {
            var sem = new RwSemaphore(LockClass.MmapLock);
            sem.DownRead();
            var writer = OtherThread.Start(() =>
            {
                sem.DownWrite();
                sem.UpWrite();
            });
            SpinWait.SpinUntil(() => !sem.TryDownRead() || ReleaseAndFalse(sem), TimeSpan.FromSeconds(10));
            Assert.False(sem.TryDownRead());
            sem.UpRead();
            Assert.True(writer.Join(TimeSpan.FromSeconds(10)));
        }

        [Fact]
        public void KernelMutexIsExclusiveAndNotRecursive()
        {
            var mutex = new KernelMutex(LockClass.Get(LockClass.IRwsemName));
            Assert.Throws<LockStateException>(() => mutex.Unlock());
            mutex.Lock();
            Assert.Throws<LockStateException>(() => mutex.Lock());
            Assert.False(OtherThread.Run(() => mutex.TryLock()));
            Assert.Throws<LockStateException>(() => OtherThread.Run(() => mutex.Unlock()));
            mutex.Unlock();
            Assert.False(mutex.IsLocked);
        }

        [Fact]
        public void FolioLockMayBeReleasedByAnotherThreadButNotTwice()
        {
            var folio = Folio.Alloc();
            folio.Lock();
            Assert.False(folio.TryLock());
            OtherThread.Run(() => folio.Unlock());
            Assert.False(folio.IsLocked);
            Assert.Throws<LockStateException>(() => folio.Unlock());
        }

        [Fact]
        public void DoubleLockTakesOnceForOneLockAndOrdersTwo()
        {
            var a = new TicketLock(LockClass.Ptl);
            var b = new TicketLock(LockClass.Ptl);
            LockOrder.DoubleLock(a, a);
            Assert.True(a.IsHeldByCurrentThread);
            LockOrder.DoubleUnlock(a, a);
            Assert.False(a.IsLocked);

            // Opposite argument orders on two threads must not deadlock.
            var forward = OtherThread.Start(() => Repeat(() => { LockOrder.DoubleLock(a, b); LockOrder.DoubleUnlock(a, b); }));
            var backward = OtherThread.Start(() => Repeat(() => { LockOrder.DoubleLock(b, a); LockOrder.DoubleUnlock(b, a); }));
            Assert.True(forward.Join(TimeSpan.FromSeconds(30)) && backward.Join(TimeSpan.FromSeconds(30)), "ordered double lock deadlocked");
            Assert.Throws<ArgumentException>(() => LockOrder.DoubleLock(a, new TicketLock(LockClass.PmdLock)));
        }

        private static bool ReleaseAndFalse(RwSemaphore sem)
        {
            sem.UpRead();
            return false;
        }

        private static void Repeat(Action action)
        {
            for (int i = 0; i < 20_000; i++)
            {
                action();
            }
        }

        [Fact]
        public void GuardsHoldUntilDisposedAndReleaseOnce()
        {
            using var lockdep = new LockdepScope();
            var mm = new MmStruct();
            using (mm.PageTableLock.LockScope())
            {
                Assert.True(mm.PageTableLock.IsLocked);
            }

            Assert.False(mm.PageTableLock.IsLocked);

            var read = mm.MmapLock.ReadScope();
            Assert.Equal(1, mm.MmapLock.ReaderCount);
            read.Dispose();
            Assert.Equal(0, mm.MmapLock.ReaderCount);

            using (mm.MmapLock.WriteScope())
            {
                Assert.True(mm.MmapLock.IsWriteLocked);
            }

            Assert.False(mm.MmapLock.IsWriteLocked);
            var mutex = new KernelMutex(LockClass.Declare("test_guard_mutex", LockKind.Sleeping, 0));
            var held = mutex.LockScope();
            Assert.Same(mutex, held.Lock);
            held.Dispose();
            Assert.Empty(lockdep.Reports);
            Assert.Throws<LockStateException>(() => held.Dispose()); // a second release is an unbalanced unlock
            Assert.Equal(LockdepReportKind.UnlockNotHeld, Assert.Single(lockdep.Reports).Kind);
            default(LockGuard).Dispose(); // a default guard holds nothing
            Assert.Single(lockdep.Reports);
        }
    }
}
