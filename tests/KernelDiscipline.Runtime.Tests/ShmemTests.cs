using System;
using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>UFFDIO_COPY into a tmpfs mapping (shmem_mfill_atomic_pte) with block accounting, and seed 001's scenario.</summary>
    public class ShmemTests
    {
        private const ulong Page = PageGeometry.PageSize;
        private const ulong Src = Mm.Base;
        private const ulong Dst = Mm.Base + PageGeometry.PmdSize;

        private static (MmStruct Mm, ShmemInode File, Userfaultfd Uffd) Setup(long sizePages = 16, long maxBlocks = 16)
        {
            var mm = new MmStruct();
            mm.Mmap(Src, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
            var file = new ShmemInode(sizePages, maxBlocks);
            mm.MmapShmem(Dst, 16 * Page, file);
            var uffd = new Userfaultfd(mm);
            Assert.Equal(0, uffd.Register(Dst, 16 * Page));
            return (mm, file, uffd);
        }

        [Fact]
        public void CopyFillsThePageCacheAndAccountsBlocks()
        {
            using var lockdep = new LockdepScope();
            var (mm, file, uffd) = Setup();
            Mm.Populate(mm, Src, 2 * Page, marker: 0x42);
            long before = Folio.Live;
            Assert.Equal((long)(2 * Page), uffd.Copy(Dst, Src, 2 * Page));
            Assert.Equal(2, file.UsedBlocks);
            Assert.Equal(2, file.CachedPages);
            var folio = file.Get(1)!;
            Assert.Equal(3, folio.RefCount); // page cache + PTE + ours
            folio.Put();
            Assert.Equal(1, folio.MapCount);
            Assert.Equal(0x42, Mm.ReadByte(mm, Dst + Page));
            Assert.Equal(before + 2, Folio.Live);
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void ErrorPathsGiveBackTheAccounting()
        {
            using var lockdep = new LockdepScope();
            var (mm, file, uffd) = Setup(sizePages: 4, maxBlocks: 3);
            Mm.Populate(mm, Src, 4 * Page);
            long live = Folio.Live;

            // A page already in the cache: -EEXIST, its block given back.
            Assert.Equal((long)Page, uffd.Copy(Dst, Src, Page));
            Assert.Equal(-Errno.EEXIST, uffd.Copy(Dst, Src, Page));
            Assert.Equal(1, file.UsedBlocks);

            // The limit: two more pages fit, the fourth is -ENOMEM after progress, alone it is -ENOMEM.
            Assert.Equal((long)(2 * Page), uffd.Copy(Dst + Page, Src, 3 * Page));
            Assert.Equal(-Errno.ENOMEM, uffd.Copy(Dst + (3 * Page), Src, Page));
            Assert.Equal(3, file.UsedBlocks);

            // Beyond EOF (the file has 4 pages, the mapping 16): -EFAULT, nothing accounted.
            Assert.Equal(-Errno.EFAULT, uffd.Copy(Dst + (5 * Page), Src, Page));
            Assert.Equal(3, file.UsedBlocks);
            Assert.Equal(live + 3, Folio.Live); // exactly the three pages in the cache: no folio leaked on an error path
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void AFailedInstallDeletesTheFolioFromThePageCache()
        {
            using var lockdep = new LockdepScope();
            var (mm, file, uffd) = Setup(sizePages: 4, maxBlocks: 4);
            Mm.Populate(mm, Src, Page);
            Assert.Equal((long)Page, uffd.ZeroPage(Dst, Page)); // a PTE and a cache page at index 0
            var cached = file.Get(0)!;
            file.DeleteFromPageCache(0, cached);                 // the cache loses it, the PTE keeps it
            cached.Put();
            file.UnacctBlocks(1);
            long live = Folio.Live;

            // Inserted in the page cache, then the install finds the PTE populated: the error path must delete the
            // folio from the cache again (seed 001: "delete_from_page_cache(page) has vanished from the error path").
            Assert.Equal(-Errno.EEXIST, uffd.Copy(Dst, Src, Page));
            Assert.Equal(0, file.CachedPages);
            Assert.Equal(0, file.UsedBlocks);
            Assert.Equal(live, Folio.Live);                      // the folio of the failed copy is freed
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void AFaultBetweenTheCacheInsertAndTheInstallWaitsForTheFolioLock()
        {
            // A read of the destination faults while UFFDIO_COPY has put its folio in the page cache and not yet written
            // the PTE. Without the folio lock held across both (the kernel's __folio_set_locked), the fault mapped that
            // folio, the copy's install found the PTE populated (-EEXIST) and deleted the folio from the page cache and
            // gave its block back, while the PTE kept mapping it: the file lost the page.
            using var lockdep = new LockdepScope();
            var (mm, file, uffd) = Setup(sizePages: 4, maxBlocks: 4);
            Mm.Populate(mm, Src, Page, marker: 0x42);
            Thread? reader = null;
            byte seen = 0;
            uffd.AfterPageCacheAdd = () =>
            {
                reader = new Thread(() => seen = Mm.ReadByte(mm, Dst));
                reader.Start();
                reader.Join(TimeSpan.FromMilliseconds(500)); // finishes here only if the fault does not wait for the folio
            };
            Assert.Equal((long)Page, uffd.Copy(Dst, Src, Page));
            Assert.True(reader!.Join(TimeSpan.FromSeconds(10)));
            Assert.Equal(0x42, seen);
            Assert.Equal(1, file.CachedPages);
            Assert.Equal(1, file.UsedBlocks);
            var cached = file.Get(0)!;
            Assert.Same(cached, EntryAt(mm, Dst)!.Folio); // the PTE maps the page cache's folio
            Assert.Equal(3, cached.RefCount);              // page cache + PTE + ours
            cached.Put();
            Assert.Empty(lockdep.Reports);
        }

        private static Pte? EntryAt(MmStruct mm, ulong address)
        {
            var pmd = mm.PmdOffset(address)!;
            var pte = pmd.MapLock(address)!;
            var entry = pte.Read(address);
            pte.Unlock();
            return entry;
        }

        [Fact]
        public void TruncateDropsThePageCacheAndTheBlocks()
        {
            using var lockdep = new LockdepScope();
            var (mm, file, uffd) = Setup(sizePages: 4, maxBlocks: 4);
            Assert.Equal((long)(3 * Page), uffd.ZeroPage(Dst, 3 * Page));
            file.Truncate(1);
            Assert.Equal(1, file.CachedPages);
            Assert.Equal(1, file.UsedBlocks);
            Assert.Equal(-Errno.EFAULT, uffd.ZeroPage(Dst + Page, Page)); // beyond the new EOF
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void Seed001TheFileFillsUpBetweenTheEnoentAndTheRetry()
        {
            using var lockdep = new LockdepScope();
            var (mm, file, uffd) = Setup(sizePages: 4, maxBlocks: 1);
            // The source is not mapped: the first attempt accounts a block, the atomic copy fails with -ENOENT and
            // the block is given back; while no lock is held another writer fills the file; the retry's accounting
            // fails with -ENOMEM. The kernel once hit BUG_ON(page) here; now the folio is released and -ENOMEM returned.
            long live = Folio.Live;
            int steps = 0;
            uffd.AfterSourceFault = () =>
            {
                steps++;
                Assert.Equal(0, file.UsedBlocks);      // the first attempt gave its block back
                Assert.Equal(0, file.AcctBlocks(1));  // someone else takes the last block
            };
            Assert.Equal(-Errno.ENOMEM, uffd.Copy(Dst, Src, Page));
            Assert.Equal(1, steps);
            Assert.Equal(1, file.UsedBlocks);         // only the other writer's block: the call left nothing accounted
            Assert.Equal(0, file.CachedPages);
            Assert.Equal(live + 1, Folio.Live);       // the one folio left is the source page the copy faulted in
            Assert.Empty(lockdep.Reports);
        }
    }
}
