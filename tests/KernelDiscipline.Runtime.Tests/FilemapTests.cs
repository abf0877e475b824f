using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>filemap_map_pages after seed 003 (map lock first, try-lock folios) and the file fault path, with lockdep on.</summary>
    public class FilemapTests
    {
        private const ulong Page = PageGeometry.PageSize;

        private static (MmStruct Mm, Vma Vma, ShmemInode File, Folio[] Cached) Setup(int cachedPages = 8, long sizePages = 12)
        {
            var mm = new MmStruct();
            var file = new ShmemInode(sizePages, maxBlocks: 64);
            var vma = mm.MmapShmem(Mm.Base, 16 * Page, file);
            var cached = new Folio[cachedPages];
            for (int i = 0; i < cachedPages; i++)
            {
                cached[i] = Folio.Alloc();
                cached[i].Write(0, 0, new[] { (byte)(0x10 + i) });
                Assert.Equal(0, file.AcctBlocks(1));
                Assert.Equal(0, file.AddToPageCache(i, cached[i]));
                cached[i].Put(); // the cache holds it now
            }

            return (mm, vma, file, cached);
        }

        private static Pte? EntryAt(MmStruct mm, ulong address)
        {
            using var map = mm.PmdOffset(address)?.Map(address);
            return map?.Read(address);
        }

        [Fact]
        public void FaultAroundMapsUptodateUnlockedFoliosAndSkipsTheRest()
        {
            using var lockdep = new LockdepScope();
            var (mm, vma, _, cached) = Setup();
            cached[2].Lock();              // busy: skipped, not waited for
            cached[3].IsUptodate = false;  // being read in: skipped
            var result = Filemap.MapPages(vma, Mm.Base + Page, 0, 15);
            cached[2].Unlock();
            Assert.Equal(VmFault.NoPage, result); // the faulting page (index 1) got mapped
            foreach (int i in new[] { 0, 1, 4, 5, 6, 7 })
            {
                Assert.Same(cached[i], EntryAt(mm, Mm.Base + ((ulong)i * Page))!.Folio);
                Assert.Equal(1, cached[i].MapCount);
                Assert.Equal(2, cached[i].RefCount); // the cache's and the PTE's
            }

            Assert.Null(EntryAt(mm, Mm.Base + (2 * Page))); // locked
            Assert.Null(EntryAt(mm, Mm.Base + (3 * Page))); // not uptodate
            Assert.Null(EntryAt(mm, Mm.Base + (8 * Page))); // not cached
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void AFailedMapMapsNothingAndBeyondEofIsLeftAlone()
        {
            using var lockdep = new LockdepScope();
            var (mm, vma, file, _) = Setup(cachedPages: 12, sizePages: 12);
            file.Truncate(6); // pages 6.. are beyond EOF now
            Assert.Equal(VmFault.NoPage, Filemap.MapPages(vma, Mm.Base, 0, 15));
            Assert.NotNull(EntryAt(mm, Mm.Base + (5 * Page)));
            Assert.Null(EntryAt(mm, Mm.Base + (6 * Page)));

            // The table's PMD is a migration entry: the map fails first thing, and nothing is mapped or taken.
            var other = new MmStruct();
            var whole = new ShmemInode(sizePages: 512, maxBlocks: 1024);
            var wholeVma = other.MmapShmem(Mm.Base, PageGeometry.PmdSize, whole);
            Mm.Populate(other, Mm.Base, PageGeometry.PmdSize); // faults every page of the file in
            Assert.Equal(0, other.CollapseHugePage(Mm.Base));
            Assert.Equal(0, other.InstallMigrationEntry(Mm.Base));
            var first = whole.Get(0)!;
            int references = first.RefCount;
            Assert.Equal(VmFault.None, Filemap.MapPages(wholeVma, Mm.Base, 0, 15));
            Assert.Equal(references, first.RefCount); // no folio taken (or leaked) by a fault-around that mapped nothing
            first.Put();
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void HandleMmFaultOnAFileUsesFaultAroundThenTheSinglePage()
        {
            using var lockdep = new LockdepScope();
            var (mm, vma, file, cached) = Setup(cachedPages: 4, sizePages: 12);
            mm.MmapLock.DownRead();
            Assert.Equal(VmFault.None, mm.HandleMmFault(vma, Mm.Base + Page, write: false));
            Assert.NotNull(EntryAt(mm, Mm.Base + (3 * Page)));  // a neighbour mapped by fault-around
            Assert.Equal(VmFault.None, mm.HandleMmFault(vma, Mm.Base + (9 * Page), write: true)); // not cached: a new page
            Assert.Equal(VmFault.SigBus, mm.HandleMmFault(vma, Mm.Base + (12 * Page), write: false)); // beyond EOF
            mm.MmapLock.UpRead();
            Assert.Equal(5, file.CachedPages);
            Assert.Equal(5, file.UsedBlocks);
            Assert.Equal(0x11, Mm.ReadByte(mm, Mm.Base + Page));
            Assert.Equal(0, Mm.ReadByte(mm, Mm.Base + (9 * Page)));
            Assert.Same(cached[0], EntryAt(mm, Mm.Base)!.Folio);
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void FaultAroundRacingWithRetractAndZapStaysConsistent()
        {
            using var lockdep = new LockdepScope();
            var (mm, vma, _, cached) = Setup(cachedPages: 12, sizePages: 12);
            var errors = new ConcurrentQueue<Exception>();
            var clock = Stopwatch.StartNew();
            using var done = new ManualResetEventSlim();
            var racer = OtherThread.Start(() =>
            {
                try
                {
                    for (int round = 0; !done.IsSet && round < 20_000 && clock.Elapsed < TimeSpan.FromSeconds(3); round++)
                    {
                        mm.ZapRange(Mm.Base, Mm.Base + (12 * Page));
                        mm.RetractPageTable(Mm.Base);
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            });

            for (int round = 0; round < 2_000 && clock.Elapsed < TimeSpan.FromSeconds(3); round++)
            {
                Filemap.MapPages(vma, Mm.Base + ((ulong)(round % 12) * Page), 0, 11);
            }

            done.Set();
            racer.Join();
            Assert.Empty(errors);
            mm.ZapRange(Mm.Base, Mm.Base + (12 * Page));
            foreach (var folio in cached)
            {
                Assert.Equal(0, folio.MapCount); // every mapping fault-around made was zapped once: none leaked, none lost
                Assert.Equal(1, folio.RefCount); // only the page cache's
                Assert.False(folio.IsLocked);
            }

            Assert.Empty(lockdep.Reports);
        }
    }
}
