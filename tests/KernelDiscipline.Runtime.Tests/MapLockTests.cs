using System;
using System.Collections.Generic;
using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    public class MapLockTests
    {
        [Fact]
        public void MapLockOnTableReturnsLockedLiveMap()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            var pte = pmd.MapLock(Mm.Base + 0x10);
            Assert.NotNull(pte);
            Assert.True(pte!.IsLocked);
            Assert.True(pte.TableIsLive);
            Assert.True(pte.Ptl.IsHeldByCurrentThread);
            Assert.NotNull(pte.Read());
            pte.Unlock();
            Assert.False(pte.IsLive);
            Assert.False(pmd.LockPointer.IsLocked);
        }

        [Fact]
        public void MapLockReturnsNullForNonePmd()
        {
            var (mm, _) = Mm.WithVma();
            var pmd = mm.PmdAlloc(Mm.Base);
            Assert.True(pmd.GetLockless().IsNone);
            Assert.Null(pmd.MapLock(Mm.Base));
            Assert.Null(pmd.Map(Mm.Base));
            Assert.Null(pmd.MapNoLock(Mm.Base, out var ptl));
            Assert.Null(ptl);
        }

        [Fact]
        public void MapLockReturnsNullForHugePmd()
        {
            var (mm, vma) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            Assert.Equal(0, mm.CollapseHugePage(Mm.Base));
            var pmd = mm.PmdOffset(Mm.Base)!;
            Assert.Equal(PmdKind.Huge, pmd.GetLockless().Kind);
            Assert.Null(pmd.MapLock(Mm.Base));
            var ptl = pmd.TransHugeLock(vma);
            Assert.NotNull(ptl);
            Assert.True(ptl!.IsHeldByCurrentThread);
            ptl.Unlock();
        }

        [Fact]
        public void MapLockReturnsNullForMigrationEntryAndWorksAfterIt()
        {
            var (mm, vma) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize, marker: 7);
            Assert.Equal(0, mm.CollapseHugePage(Mm.Base));
            Assert.Equal(0, mm.InstallMigrationEntry(Mm.Base));
            var pmd = mm.PmdOffset(Mm.Base)!;
            Assert.Equal(PmdKind.Migration, pmd.GetLockless().Kind);
            Assert.Null(pmd.MapLock(Mm.Base));
            Assert.Null(pmd.TransHugeLock(vma));
            Assert.Equal(0, mm.RemoveMigrationEntry(Mm.Base));
            Assert.Equal(7, Mm.ReadByte(mm, Mm.Base));
        }

        [Fact]
        public void MapLockReturnsNullForBadPmd()
        {
            var (mm, vma) = Mm.WithVma();
            var pmd = mm.PmdAlloc(Mm.Base);
            var pmdLock = pmd.Lock();
            pmd.Set(PmdValue.Bad);
            pmdLock.Unlock();
            Assert.Null(pmd.MapLock(Mm.Base));
            Assert.Equal(VmFault.SigBus, mm.HandleMmFault(vma, Mm.Base, write: true));
        }

        [Fact]
        public void MapLockReturnsNullWhenTableIsFreedWhileWaitingForThePtl()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            var pmdLock = pmd.Lock(); // the retracting side: pmd lock, then the PTL
            var holder = pmd.MapLock(Mm.Base)!;

            // A second thread reads the PMD locklessly, then waits for the PTL we hold.
            PteMap? waited = null;
            var waiter = OtherThread.Start(() => waited = pmd.MapLock(Mm.Base));
            Assert.True(SpinWait.SpinUntil(() => holder.Ptl.HasWaiters, TimeSpan.FromSeconds(10)));

            // Retract the table under it while holding both locks, as retract_page_tables does.
            pmd.Set(PmdValue.None);
            holder.Unlock();
            pmdLock.Unlock();

            waiter.Join();
            Assert.Null(waited);
        }

        [Fact]
        public void MapLockRetriesWhenTableIsReplacedWhileWaitingForThePtl()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            var pmdLock = pmd.Lock();
            var holder = pmd.MapLock(Mm.Base)!;
            bool live = false;
            var waiter = OtherThread.Start(() =>
            {
                var map = pmd.MapLock(Mm.Base);
                live = map != null && map.TableIsLive && map.IsLocked && map.Read() is null;
                map?.Unlock();
            });
            Assert.True(SpinWait.SpinUntil(() => holder.Ptl.HasWaiters, TimeSpan.FromSeconds(10)));

            pmd.Set(PmdValue.None);
            pmdLock.Unlock();
            Assert.True(MmStruct.InstallTable(pmd)); // a fresh, empty table in its place
            holder.Unlock();

            waiter.Join();
            Assert.True(live, "the waiter must map the new, empty table, locked");
        }

        [Fact]
        public void MapNoLockHandsBackTheUnlockedPtlAndCatchesAStaleTable()
        {
            var (mm, _) = Mm.WithVma();
            var pmd = mm.PmdAlloc(Mm.Base);
            Assert.True(MmStruct.InstallTable(pmd));
            var pte = pmd.MapNoLock(Mm.Base, out var ptl)!;
            Assert.NotNull(ptl);
            Assert.False(ptl!.IsLocked);
            Assert.Throws<MmStateException>(() => pte.Write(Mm.Base, null));

            Assert.Equal(0, mm.RetractPageTable(Mm.Base)); // the table goes away before we lock
            ptl.Lock();
            Assert.False(pte.PmdSame());
            var stale = Assert.Throws<MmStateException>(() => pte.Write(Mm.Base, Pte.Make(Folio.Alloc(), 0, true)));
            Assert.Contains("freed page table", stale.Message);
            ptl.Unlock();
            pte.Dispose();
        }

        [Fact]
        public void LocklessMapReadsButCannotWriteOrUnlock()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            using var pte = pmd.Map(Mm.Base)!;
            Assert.NotNull(pte.Read());
            Assert.False(pte.IsLocked);
            Assert.Throws<MmStateException>(() => pte.Write(Mm.Base, null));
            Assert.Throws<MmStateException>(() => pte.Unlock());
        }

        [Fact]
        public void ReleasedMapCannotBeUsedOrUnlockedAgain()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pte = mm.PmdOffset(Mm.Base)!.MapLock(Mm.Base)!;
            pte.Unlock();
            Assert.Contains("after it was released", Assert.Throws<MmStateException>(() => pte.Read()).Message);
            Assert.Throws<MmStateException>(() => pte.Unlock());
            pte.Dispose(); // idempotent after Unlock, so `using` plus an early Unlock is fine
            Assert.False(pte.Ptl.IsLocked);
        }

        [Fact]
        public void MapLockAllocatesNothingInSteadyState()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            Assert.False(Lockdep.Enabled);
            for (int i = 0; i < 100; i++)
            {
                pmd.MapLock(Mm.Base)!.Unlock(); // both of the table's map objects made, the paths jitted
            }

            // The runtime's tiering (call counting, on-stack replacement) may allocate a few bytes on this thread once,
            // at any iteration (2,400 bytes seen once in a CI run). A map that allocates allocates in every round, and
            // one that grows a buffer allocates at least every other round: two rounds of 10,000 maps in a row with
            // nothing allocated are the proof.
            var rounds = new List<long>();
            while (rounds.Count < 5 && !(rounds.Count >= 2 && rounds[^1] == 0 && rounds[^2] == 0))
            {
                rounds.Add(BytesAllocatedByMaps(pmd, 10_000));
            }

            Assert.True(rounds.Count >= 2 && rounds[^1] == 0 && rounds[^2] == 0, "bytes per round of 10,000 maps: " + string.Join(", ", rounds));
        }

        private static long BytesAllocatedByMaps(Pmd pmd, int maps)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < maps; i++)
            {
                var pte = pmd.MapLock(Mm.Base + (ulong)(i % 512) * PageGeometry.PageSize);
                if (pte is null)
                {
                    continue;
                }

                pte.Unlock();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        [Fact]
        public void AMapUsedAfterTheTableWasMappedAgainStillThrows()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            var first = pmd.MapLock(Mm.Base)!;
            first.Unlock();
            var second = pmd.MapLock(Mm.Base)!;
            Assert.NotSame(first, second); // the map released last is never the one armed next
            Assert.Contains("after it was released", Assert.Throws<MmStateException>(() => first.Read()).Message);
            Assert.Throws<MmStateException>(() => first.Unlock());
            first.Dispose(); // a second release: nothing, and the live map keeps its lock
            Assert.True(second.IsLocked);
            second.Unlock();
            Assert.False(second.Ptl.IsLocked);
        }

        [Fact]
        public void AMapArmedAgainOnAnotherThreadIsThatThreadsAndThrowsHere()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            var stale = pmd.MapLock(Mm.Base)!;
            stale.Unlock();
            using var armed = new ManualResetEventSlim();
            using var checkedHere = new ManualResetEventSlim();
            PteMap? theirs = null;
            var other = new Thread(() =>
            {
                pmd.MapLock(Mm.Base)!.Unlock();
                theirs = pmd.MapLock(Mm.Base)!; // the object 'stale' was: armed for this thread
                armed.Set();
                checkedHere.Wait();
                theirs.Unlock();
            });
            other.Start();
            armed.Wait();
            Assert.Same(stale, theirs);
            Assert.False(stale.IsLive);
            Assert.Contains("on thread", Assert.Throws<MmStateException>(() => stale.Read()).Message);
            Assert.Throws<MmStateException>(() => stale.Unlock());
            stale.Dispose(); // not this thread's map any more: nothing
            Assert.True(stale.Ptl.IsLocked);
            checkedHere.Set();
            other.Join();
            Assert.False(stale.Ptl.IsLocked);
        }

        [Fact]
        public void AddressesOutsideThePmdAreRejected()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            Assert.Throws<ArgumentOutOfRangeException>(() => pmd.MapLock(Mm.Base + PageGeometry.PmdSize));
            Assert.Throws<ArgumentOutOfRangeException>(() => pmd.MapLock(Mm.Base - 1));
            var pte = pmd.MapLock(Mm.Base)!;
            Assert.Throws<ArgumentOutOfRangeException>(() => pte.Read(Mm.Base + PageGeometry.PmdSize));
            pte.Unlock();
            Assert.Throws<ArgumentOutOfRangeException>(() => mm.PmdOffset(PageGeometry.TaskSize));
        }

        [Fact]
        public void AnAddressInsideAPageMapsThatPagesEntry()
        {
            // pte_offset_map_lock(addr) takes any address: the entry is the one of the page holding it.
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, 2 * PageGeometry.PageSize);
            var pmd = mm.PmdOffset(Mm.Base)!;
            var pte = pmd.MapLock(Mm.Base + PageGeometry.PageSize + 0x123)!;
            Assert.Equal(1, pte.Index);
            Assert.Same(pte.Read(Mm.Base + PageGeometry.PageSize), pte.Read());
            Assert.NotNull(pte.Read());
            pte.Unlock();
        }

        [Fact]
        public void PmdWritesNeedThePmdLock()
        {
            var (mm, _) = Mm.WithVma();
            var pmd = mm.PmdAlloc(Mm.Base);
            Assert.Throws<LockStateException>(() => pmd.Set(PmdValue.None));
        }
    }
}
