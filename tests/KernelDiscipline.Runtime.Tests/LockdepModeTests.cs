using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>Lockdep and the two modes of an rw semaphore: what one thread may not do, and what two threads may.</summary>
    public class LockdepModeTests
    {
        private const string File = "LockdepModeTests.cs";
        private static readonly LockClass Outer = LockClass.Declare("mode_rwsem", LockKind.Sleeping, 0);
        private static readonly LockClass Inner = LockClass.Declare("mode_inner", LockKind.Spinning, 0);
        private static readonly LockClass Other = LockClass.Declare("mode_mutex", LockKind.Sleeping, 0);

        [Fact]
        public void ReadThenWriteWithACollectingSinkThrowsInsteadOfWaitingForItself()
        {
            using var lockdep = new LockdepScope(); // reports are collected: the call goes on after the report
            var sem = new RwSemaphore(Outer);
            sem.DownRead();
            var error = Assert.Throws<LockStateException>(() => sem.DownWrite());
            Assert.Contains("holds it for read: this deadlocks", error.Message);
            Assert.Equal(LockdepReportKind.RecursiveLocking, Assert.Single(lockdep.Reports).Kind);

            // The read side is still held, and only it.
            Assert.Equal(1, sem.ReaderCount);
            Assert.False(sem.IsWriteLocked);
            sem.UpRead();
            Assert.False(sem.IsLocked);
        }

        [Fact]
        public void ReadThenWriteOnOneThreadIsReportedBeforeItWaitsForItself()
        {
            using var lockdep = new LockdepScope(collect: false); // the report throws before down_write blocks
            var sem = new RwSemaphore(Outer);
            int readLine = Line() + 1;
            sem.DownRead();
            int writeLine = Line() + 1;
            var report = Assert.Throws<LockdepException>(() => sem.DownWrite()).Report;

            Assert.Equal(LockdepReportKind.RecursiveLocking, report.Kind);
            Assert.False(report.Acquiring.Shared);
            Assert.True(report.Held!.Value.Shared);
            Assert.Contains("possible recursive locking detected", report.Text);
            Assert.Contains($"  (mode_rwsem) at {File}:{writeLine}, for write", report.Text);
            Assert.Contains($"  (mode_rwsem) at {File}:{readLine}, for read", report.Text);
            Assert.Equal(new[] { "rlock(mode_rwsem);", "lock(mode_rwsem);" }, Scenario(report.Text));

            // Nothing was taken: the read side alone is held, and its release is clean.
            Assert.Equal(1, sem.ReaderCount);
            Assert.False(sem.IsWriteLocked);
            sem.UpRead();
            Assert.Equal(0, Lockdep.HeldCount);
            Assert.False(sem.IsLocked);
        }

        [Fact]
        public void WriteThenReadOnOneThreadIsReportedAndTheSemaphoreRefusesIt()
        {
            using (var lockdep = new LockdepScope(collect: false))
            {
                var sem = new RwSemaphore(Outer);
                sem.DownWrite();
                var report = Assert.Throws<LockdepException>(() => sem.DownRead()).Report;
                sem.UpWrite();
                Assert.Equal(LockdepReportKind.RecursiveLocking, report.Kind);
                Assert.True(report.Acquiring.Shared);
                Assert.False(report.Held!.Value.Shared);
                Assert.Equal(new[] { "lock(mode_rwsem);", "rlock(mode_rwsem);" }, Scenario(report.Text));
                Assert.Equal(0, Lockdep.HeldCount);
            }

            // With a sink that collects, the call goes on into the semaphore, which refuses it: still held for write.
            using (var lockdep = new LockdepScope())
            {
                var sem = new RwSemaphore(Outer);
                sem.DownWrite();
                Assert.Throws<LockStateException>(() => sem.DownRead());
                Assert.Equal(LockdepReportKind.RecursiveLocking, Assert.Single(lockdep.Reports).Kind);
                Assert.True(Lockdep.IsHeld(sem, shared: false));
                Assert.Equal(1, Lockdep.HeldCount);
                sem.UpWrite();
                Assert.Single(lockdep.Reports);
                Assert.Equal(0, Lockdep.HeldCount);
            }
        }

        [Fact]
        public void ReadThenReadOnOneThreadIsReportedAsTheKernelDoesForAnRwSemaphore()
        {
            // down_read twice deadlocks when a writer queues between the two: the read side is not recursive.
            using var lockdep = new LockdepScope();
            var sem = new RwSemaphore(Outer);
            sem.DownRead();
            sem.DownRead();
            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.RecursiveLocking, report.Kind);
            Assert.True(report.Acquiring.Shared);
            Assert.True(report.Held!.Value.Shared);
            Assert.Equal(new[] { "rlock(mode_rwsem);", "rlock(mode_rwsem);" }, Scenario(report.Text));

            // Both read holds are on the stack and both releases balance them.
            Assert.Equal(2, Lockdep.HeldCount);
            sem.UpRead();
            sem.UpRead();
            Assert.Single(lockdep.Reports);
            Assert.Equal(0, Lockdep.HeldCount);
            Assert.Equal(0, sem.ReaderCount);
        }

        [Fact]
        public void ReadSidesOfOneClassOnOneThreadAreReportedThoughTheInstancesDiffer()
        {
            using var lockdep = new LockdepScope();
            var first = new MmStruct();
            var second = new MmStruct();
            first.MmapLock.DownRead();
            second.MmapLock.DownRead();
            second.MmapLock.UpRead();
            first.MmapLock.UpRead();
            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.RecursiveLocking, report.Kind);
            Assert.Equal(new[] { "rlock(mmap_lock);", "rlock(mmap_lock);" }, Scenario(report.Text));
            Assert.Equal(0, Lockdep.HeldCount);
        }

        [Fact]
        public void ReadSideHeldByTwoThreadsAtOnceWithTheSameClassUnderItIsClean()
        {
            using var lockdep = new LockdepScope(collect: false); // any report throws on the thread that makes it
            var sem = new RwSemaphore(Outer);
            using var bothReading = new Barrier(2);
            using var bothDone = new Barrier(2);
            var readersSeen = new int[2];
            var heldAtEnd = new int[2];

            void Reader(int index)
            {
                var inner = new TicketLock(Inner);
                sem.DownRead();
                Assert.True(bothReading.SignalAndWait(TimeSpan.FromSeconds(30)), "the other reader never arrived");
                readersSeen[index] = sem.ReaderCount; // both read sides are held here
                inner.Lock();
                inner.Unlock();
                Assert.True(bothDone.SignalAndWait(TimeSpan.FromSeconds(30)), "the other reader never finished");
                sem.UpRead();
                heldAtEnd[index] = Lockdep.HeldCount;
            }

            RunTogether(() => Reader(0), () => Reader(1));

            Assert.Empty(lockdep.Reports);
            Assert.Equal(new[] { 2, 2 }, readersSeen);
            Assert.Equal(new[] { 0, 0 }, heldAtEnd);
            Assert.Equal(0, sem.ReaderCount);
            Assert.True(Lockdep.HasDependency(Outer, Inner));
            Assert.Contains(Lockdep.Snapshot().Chains, chain => chain.SequenceEqual(new[] { "mode_rwsem", "mode_inner" }));
        }

        [Fact]
        public void DownReadThenUpWriteIsReportedAndTheReadSideStaysHeld()
        {
            using var lockdep = new LockdepScope();
            var sem = new RwSemaphore(Outer);
            int readLine = Line() + 1;
            sem.DownRead();
            int writeLine = Line() + 1;
            Assert.Throws<LockStateException>(() => sem.UpWrite()); // the semaphore refuses it too

            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.ReleaseModeMismatch, report.Kind);
            Assert.False(report.Acquiring.Shared);
            Assert.Equal(writeLine, report.Acquiring.Line);
            Assert.True(report.Held!.Value.Shared);
            Assert.Equal(readLine, report.Held!.Value.Line);
            Assert.Contains("WARNING: bad unlock mode detected!", report.Text);
            Assert.Contains($"is trying to release lock (mode_rwsem) at {File}:{writeLine} as a writer but holds it for read", report.Text);
            Assert.Contains($"held since (mode_rwsem) at {File}:{readLine}.", report.Text);
            Assert.Contains($" #0: (mode_rwsem) at {File}:{readLine}, for read", report.Text);

            // Lockdep and the semaphore agree: one reader, this thread, for read.
            Assert.True(Lockdep.IsHeld(sem, shared: true));
            Assert.False(Lockdep.IsHeld(sem, shared: false));
            Assert.Equal(1, Lockdep.HeldCount);
            Assert.Equal(1, sem.ReaderCount);

            sem.UpRead();
            Assert.Single(lockdep.Reports);
            Assert.Equal(0, Lockdep.HeldCount);
            Assert.False(sem.IsLocked);
        }

        [Fact]
        public void DownWriteThenUpReadIsReportedAndTheWriteSideStaysHeld()
        {
            using var lockdep = new LockdepScope();
            var sem = new RwSemaphore(Outer);
            sem.DownWrite();
            Assert.Throws<LockStateException>(() => sem.UpRead());

            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.ReleaseModeMismatch, report.Kind);
            Assert.True(report.Acquiring.Shared);
            Assert.False(report.Held!.Value.Shared);
            Assert.Contains("as a reader but holds it for write", report.Text);
            Assert.Contains("UpWrite after DownWrite", report.Text);

            Assert.True(Lockdep.IsHeld(sem, shared: false));
            Assert.True(sem.IsWriteHeldByCurrentThread);
            sem.UpWrite();
            Assert.Single(lockdep.Reports);
            Assert.Equal(0, Lockdep.HeldCount);
            Assert.False(sem.IsLocked);
        }

        [Fact]
        public void ReleaseInTheOtherModeWithoutASinkThrowsAndChangesNothing()
        {
            using var lockdep = new LockdepScope(collect: false);
            var sem = new RwSemaphore(Outer);
            sem.DownRead();
            var report = Assert.Throws<LockdepException>(() => sem.UpWrite()).Report;
            Assert.Equal(LockdepReportKind.ReleaseModeMismatch, report.Kind);
            Assert.True(Lockdep.IsHeld(sem, shared: true));
            Assert.Equal(1, sem.ReaderCount);
            sem.UpRead(); // would throw if lockdep had lost the read side
            Assert.Equal(0, Lockdep.HeldCount);
        }

        [Fact]
        public void TryDownReadReleasedAsAWriterIsReportedAndAsAReaderIsClean()
        {
            using var lockdep = new LockdepScope();
            var sem = new RwSemaphore(Outer);
            Assert.True(sem.TryDownRead());
            Assert.Throws<LockStateException>(() => sem.UpWrite());
            Assert.Equal(LockdepReportKind.ReleaseModeMismatch, Assert.Single(lockdep.Reports).Kind);
            sem.UpRead();
            Assert.Single(lockdep.Reports);

            lockdep.Reports.Clear();
            Assert.True(sem.TryDownRead());
            Assert.True(Lockdep.IsHeld(sem, shared: true));
            sem.UpRead();
            Assert.True(sem.TryDownWrite());
            Assert.True(Lockdep.IsHeld(sem, shared: false));
            sem.UpWrite();
            Assert.Empty(lockdep.Reports);
            Assert.Equal(0, Lockdep.HeldCount);
        }

        [Fact]
        public void EachModeReleasedAsItWasTakenIsClean()
        {
            using var lockdep = new LockdepScope(collect: false); // any report throws
            var sem = new RwSemaphore(Outer);
            var mutex = new KernelMutex(Other);

            sem.DownRead();
            Assert.True(Lockdep.IsHeld(sem, shared: true));
            sem.UpRead();
            sem.DownWrite();
            Assert.True(Lockdep.IsHeld(sem, shared: false));
            sem.UpWrite();
            using (sem.ReadScope())
            {
                Assert.True(Lockdep.IsHeld(sem, shared: true));
            }

            using (sem.WriteScope())
            {
                Assert.True(Lockdep.IsHeld(sem, shared: false));
            }

            // Out of order: each release finds its own entry below the top, in its mode.
            sem.DownRead();
            mutex.Lock();
            sem.UpRead();
            mutex.Unlock();
            sem.DownWrite();
            mutex.Lock();
            sem.UpWrite();
            mutex.Unlock();

            Assert.Equal(0, Lockdep.HeldCount);
            Assert.False(sem.IsLocked);
            Assert.True(Lockdep.Snapshot().Classes.Single(c => c.Name == "mode_rwsem").FirstAcquisition!.Value.Shared);
        }

        [Fact]
        public void CircularDependencyThroughAReadSideSaysRlockForIt()
        {
            using var lockdep = new LockdepScope(collect: false);
            var sem = new RwSemaphore(Outer);
            var mutex = new KernelMutex(Other);
            OtherThread.Run(() =>
            {
                sem.DownRead();
                mutex.Lock();
                mutex.Unlock();
                sem.UpRead();
            });

            var report = OtherThread.Run(() =>
            {
                mutex.Lock();
                try
                {
                    return Assert.Throws<LockdepException>(() => sem.DownRead()).Report;
                }
                finally
                {
                    mutex.Unlock();
                }
            });

            Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
            Assert.True(report.Acquiring.Shared);
            Assert.Contains(", for read", report.Text);
            var scenario = Scenario(report.Text);
            Assert.Equal("lock(mode_mutex);", scenario[0]);
            Assert.Equal("rlock(mode_rwsem);", scenario[^1]);
        }

        /// <summary>The lines of a report's "Possible unsafe locking scenario", trimmed, without the CPU headings.</summary>
        private static string[] Scenario(string text)
        {
            var lines = text.Split('\n').Select(l => l.Trim()).ToList();
            int start = lines.FindIndex(l => l.StartsWith("CPU0", StringComparison.Ordinal)) + 2; // past "CPU0" and "----"
            int end = lines.FindIndex(start, l => l.Length == 0);
            Assert.True(start >= 2 && end > start, text);
            return lines.GetRange(start, end - start).ToArray();
        }

        private static int Line([CallerLineNumber] int line = 0) => line;

        /// <summary>Runs two bodies on two threads of their own at once and rethrows the first failure.</summary>
        private static void RunTogether(Action first, Action second)
        {
            var failures = new List<Exception>();
            Thread Start(Action body)
            {
                var thread = new Thread(() =>
                {
                    try
                    {
                        body();
                    }
                    catch (Exception e)
                    {
                        lock (failures)
                        {
                            failures.Add(e);
                        }
                    }
                });
                thread.Start();
                return thread;
            }

            var threads = new[] { Start(first), Start(second) };
            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.Empty(failures);
        }
    }
}
