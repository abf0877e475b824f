using System;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    public class LockdepTests
    {
        private static readonly LockClass ClassA = LockClass.Declare("test_a", LockKind.Spinning, 0);
        private static readonly LockClass ClassB = LockClass.Declare("test_b", LockKind.Spinning, 0);

        [Fact]
        public void AbBaInversionAcrossTwoThreadsIsReportedWithoutDeadlock()
        {
            using var lockdep = new LockdepScope(collect: false);
            var a = new TicketLock(ClassA);
            var b = new TicketLock(ClassB);

            // Thread 1 establishes A -> B and finishes; thread 2 then takes B -> A. Nothing ever blocks.
            OtherThread.Run(() =>
            {
                a.Lock();
                b.Lock();
                b.Unlock();
                a.Unlock();
            });

            var report = OtherThread.Run(() =>
            {
                b.Lock();
                try
                {
                    return Assert.Throws<LockdepException>(() => a.Lock()).Report;
                }
                finally
                {
                    b.Unlock();
                }
            });

            Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
            Assert.Equal("test_a", report.Acquiring.Class.Name);
            Assert.Equal("test_b", report.Held!.Value.Class.Name);
            Assert.Contains("possible circular locking dependency detected", report.Text);
            Assert.Contains("Possible unsafe locking scenario", report.Text);
            Assert.Contains("*** DEADLOCK ***", report.Text);
            // Both chains, with their acquisition sites: the earlier A -> B and the new B -> A.
            Assert.Equal(2, report.Chain.Count);
            Assert.Equal("test_a", report.Chain[0].Class.Name);
            Assert.Equal("test_b", report.Chain[1].Class.Name);
            Assert.Contains("LockdepTests.cs:", report.Text);
            Assert.False(a.IsLocked);
        }

        [Fact]
        public void DeclaredOrderViolationIsReportedOnFirstUse()
        {
            using var lockdep = new LockdepScope();
            var mm = new MmStruct();
            mm.PageTableLock.Lock();
            mm.MmapLock.DownRead(); // sleeping and out of order: two reports in one acquisition would be noise
            mm.MmapLock.UpRead();
            mm.PageTableLock.Unlock();
            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.SleepInAtomic, report.Kind);

            lockdep.Reports.Clear();
            var ptl = new TicketLock(LockClass.Ptl);
            var pmdLock = new TicketLock(LockClass.PmdLock);
            ptl.Lock();
            pmdLock.Lock();
            pmdLock.Unlock();
            ptl.Unlock();
            var order = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.OrderViolation, order.Kind);
            Assert.Contains("declared lock order takes (pmd_lock) (rank 800) before (ptl) (rank 900)", order.Text);
        }

        [Fact]
        public void SleepingLockUnderSpinlockOrLiveMapIsReported()
        {
            using var lockdep = new LockdepScope();
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var folio = Folio.Alloc();

            var pte = mm.PmdOffset(Mm.Base)!.MapLock(Mm.Base)!;
            folio.Lock();
            folio.Unlock();
            pte.Unlock();
            var underPtl = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.SleepInAtomic, underPtl.Kind);
            Assert.Contains("(folio_lock)", underPtl.Text);
            Assert.Contains("try", underPtl.Text);
            // The holder named is the PTL of the held list; the map's RCU read side is listed apart.
            Assert.Equal(LockClass.PtlName, underPtl.Held!.Value.Class.Name);
            Assert.Contains("held since (ptl)", underPtl.Text);
            Assert.Contains("RCU read side held (depth 1)", underPtl.Text);

            lockdep.Reports.Clear();
            using (mm.PmdOffset(Mm.Base)!.Map(Mm.Base))
            {
                var sem = new RwSemaphore(LockClass.Get(LockClass.IMmapRwsemName));
                sem.DownRead();
                sem.UpRead();
            }

            Assert.Equal(LockdepReportKind.SleepInAtomic, Assert.Single(lockdep.Reports).Kind);

            // The kernel's answer is allowed: a trylock does not sleep.
            lockdep.Reports.Clear();
            var again = mm.PmdOffset(Mm.Base)!.MapLock(Mm.Base)!;
            Assert.True(folio.TryLock());
            folio.Unlock();
            again.Unlock();
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void DoubleUnlockIsReportedAndRefused()
        {
            using var lockdep = new LockdepScope();
            var ptl = new TicketLock(LockClass.Ptl);
            ptl.Lock();
            ptl.Unlock();
            Assert.Throws<LockStateException>(() => ptl.Unlock());
            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.UnlockNotHeld, report.Kind);
            Assert.Contains("bad unlock balance detected!", report.Text);
        }

        [Fact]
        public void RcuReadSideLeftWithoutEnteringIsReported()
        {
            // A lockless map made before lockdep was on never entered its RCU section as lockdep sees it (the
            // documented misuse: enable lockdep before locks are taken); leaving it is an unbalanced unlock.
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            Lockdep.Disable();
            var pte = mm.PmdOffset(Mm.Base)!.Map(Mm.Base)!;
            using var lockdep = new LockdepScope();
            pte.Dispose();
            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.UnlockNotHeld, report.Kind);
            Assert.Contains("(rcu_read)", report.Text);

            // Balanced, nothing is reported.
            lockdep.Reports.Clear();
            mm.PmdOffset(Mm.Base)!.Map(Mm.Base)!.Dispose();
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void SameClassNestingNeedsAnAnnotationOrTheOrderingHelper()
        {
            using var lockdep = new LockdepScope();
            var src = new TicketLock(LockClass.Ptl);
            var dst = new TicketLock(LockClass.Ptl);
            src.Lock();
            dst.Lock();
            dst.Unlock();
            src.Unlock();
            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.RecursiveLocking, report.Kind);
            Assert.Contains("missing lock nesting notation", report.Text);

            lockdep.Reports.Clear();
            src.Lock();
            dst.LockNested();
            dst.Unlock();
            src.Unlock();
            LockOrder.DoubleLock(dst, src);
            LockOrder.DoubleUnlock(dst, src);
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void CorrectMmCodeRaisesNothingAndEachChainIsValidatedOnce()
        {
            using var lockdep = new LockdepScope(collect: false); // any report throws
            var (mm, _) = Mm.WithVma();
            for (int round = 0; round < 3; round++)
            {
                Mm.Populate(mm, Mm.Base, PageGeometry.PmdSize);
                Assert.Equal(0, mm.CollapseHugePage(Mm.Base));
                Assert.Equal(0, mm.SplitHugePmd(Mm.Base));
                Assert.Equal(0, mm.MigrateHugePage(Mm.Base) == -Errno.EAGAIN ? 0 : -1);
                Assert.Equal(0, mm.ZapRange(Mm.Base, Mm.Base + PageGeometry.PmdSize));
                Assert.Equal(0, mm.RetractPageTable(Mm.Base));
                if (round == 0)
                {
                    chainsAfterFirstRound = Lockdep.ValidatedChainCount;
                }
            }

            Assert.True(chainsAfterFirstRound > 0);
            Assert.Equal(chainsAfterFirstRound, Lockdep.ValidatedChainCount);
            Assert.True(Lockdep.HasDependency(LockClass.PmdLock, LockClass.Ptl));
            Assert.Equal(0, Lockdep.HeldCount);
        }

        [Fact]
        public void RecursiveAcquisitionOfOneInstanceIsReportedBeforeItDeadlocks()
        {
            using var lockdep = new LockdepScope(collect: false);
            var sem = new RwSemaphore(LockClass.MmapLock);
            sem.DownRead();
            var report = Assert.Throws<LockdepException>(() => sem.DownRead()).Report;
            sem.UpRead();
            Assert.Equal(LockdepReportKind.RecursiveLocking, report.Kind);
        }

        private int chainsAfterFirstRound;

        /// <summary>A consumer's lock wrapper, annotated as the README shows.</summary>
        private sealed class Pool
        {
            private readonly KernelMutex gate = new(LockClass.Declare("test_pool", LockKind.Sleeping, 0));

            [Acquires]
            public void Lock() => gate.Lock();

            [Releases]
            public void Unlock() => gate.Unlock();
        }

        [Fact]
        public void ReportsNameTheThreadTheCallersLineAndAShortStack()
        {
            using var lockdep = new LockdepScope();
            var pool = new Pool();
            int expectedLine = 0;
            var spin = new TicketLock(ClassA);
            OtherThread.Run(() =>
            {
                System.Threading.Thread.CurrentThread.Name = "kd-worker";
                spin.Lock();
                expectedLine = Line() + 1;
                pool.Lock(); // sleeping under a spinning lock: reported at this line, not at the wrapper's gate.Lock()
                pool.Unlock();
                spin.Unlock();
            });

            var report = Assert.Single(lockdep.Reports);
            Assert.Equal(LockdepReportKind.SleepInAtomic, report.Kind);
            Assert.Equal("kd-worker", report.ThreadName);
            Assert.NotEqual(0, report.ThreadId);
            Assert.Contains("thread \"kd-worker\" (", report.Text);
            Assert.Equal(expectedLine, report.Acquiring.Line);
            Assert.EndsWith("LockdepTests.cs", report.Acquiring.File);
            Assert.Contains($"LockdepTests.cs:{expectedLine}", report.Text);
            Assert.NotEmpty(report.Stack);
            Assert.DoesNotContain(report.Stack, frame => frame.Contains("Pool.Lock", StringComparison.Ordinal));
            Assert.Contains("stack:", report.Text);
        }

        private static int Line([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
            [Fact]
        public void DeepStacksAndOutOfOrderReleasesKeepTheChainsRight()
        {
            // Twelve classes in order: past the held stack's first capacity, released out of order, taken again.
            using var lockdep = new LockdepScope();
            var locks = new TicketLock[12];
            for (int i = 0; i < locks.Length; i++)
            {
                locks[i] = new TicketLock(LockClass.Declare($"deep_{i:D2}", LockKind.Spinning, 0));
            }

            for (int round = 0; round < 2; round++)
            {
                foreach (var each in locks)
                {
                    each.Lock();
                }

                Assert.Equal(12, Lockdep.HeldCount);
                locks[3].Unlock(); // out of order: the middle of the stack
                locks[3].Lock();   // deep_03 after deep_11: a new chain, and a new edge deep_11 → deep_03 … a cycle
                for (int i = locks.Length - 1; i >= 0; i--)
                {
                    locks[i].Unlock();
                }
            }

            Assert.Equal(0, Lockdep.HeldCount);
            var report = Assert.Single(lockdep.Reports); // said once, though the second round repeats it
            Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
            Assert.Equal("deep_03", report.Acquiring.Class.Name);
            Assert.Contains(Lockdep.Snapshot().Chains, chain => chain.Count == 12 && chain[0] == "deep_00" && chain[11] == "deep_11");
        }
}
}
