using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>UFFDIO_COPY, ZEROPAGE and MOVE over the Runtime's page tables, with lockdep on in every test.</summary>
    public class UserfaultfdTests
    {
        private const ulong Page = PageGeometry.PageSize;
        private const ulong Src = Mm.Base;                      // first PMD: the source range
        private const ulong Dst = Mm.Base + PageGeometry.PmdSize; // second PMD: the registered destination

        private static (MmStruct Mm, Userfaultfd Uffd) Setup(ulong dstLength = PageGeometry.PmdSize)
        {
            var mm = new MmStruct();
            mm.Mmap(Src, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
            mm.Mmap(Dst, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
            var uffd = new Userfaultfd(mm);
            Assert.Equal(0, uffd.Register(Dst, dstLength));
            return (mm, uffd);
        }

        private static void Fill(MmStruct mm, ulong start, int pages)
        {
            for (int i = 0; i < pages; i++)
            {
                var bytes = new byte[Page];
                bytes.AsSpan().Fill((byte)(i + 1));
                Assert.Equal(0, mm.Write(start + ((ulong)i * Page), bytes));
            }
        }

        private static Pte? EntryAt(MmStruct mm, ulong address)
        {
            var pmd = mm.PmdOffset(address);
            using var map = pmd?.Map(address);
            return map?.Read(address);
        }

        [Fact]
        public void RegistrationChecksItsRange()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup(dstLength: 4 * Page);
            Assert.Equal(-Errno.EINVAL, uffd.Register(Src + 1, Page));        // unaligned
            Assert.Equal(-Errno.EINVAL, uffd.Register(Src, 0));               // empty
            Assert.Equal(-Errno.ENOMEM, uffd.Register(0x1000_0000, Page));    // no VMA there
            Assert.Equal(-Errno.EBUSY, uffd.Register(Dst + (2 * Page), Page)); // overlaps a registered range
            Assert.Equal(0, uffd.Register(Dst + (4 * Page), Page));
            Assert.True(uffd.IsRegistered(Dst, 4 * Page));
            Assert.False(uffd.IsRegistered(Src, Page));
            Assert.Equal(0, uffd.Unregister(Dst + (4 * Page), Page));
            Assert.Equal(-Errno.EINVAL, uffd.Unregister(Dst + (4 * Page), Page));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void CopyFillsMissingPagesWithTheSourceBytes()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Fill(mm, Src, 3);
            Assert.Equal((long)(3 * Page), uffd.Copy(Dst, Src, 3 * Page));
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal((byte)(i + 1), Mm.ReadByte(mm, Dst + ((ulong)i * Page) + 100));
                var entry = EntryAt(mm, Dst + ((ulong)i * Page))!;
                Assert.Equal(1, entry.Folio.MapCount);
                Assert.Equal(1, entry.Folio.RefCount); // the PTE owns the one reference: nothing leaked
                Assert.True(entry.Dirty);
            }

            Assert.Equal(0, uffd.Stats[UffdRetry.SourceFaulted]);
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void AnUnmappedSourceIsTheEnoentDance()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            // Nothing mapped at the source: the copy without faults fails, the locks are dropped, the page is read
            // with faults allowed (faulting the source in), and the step is retried with the filled folio.
            Assert.Equal((long)(2 * Page), uffd.Copy(Dst, Src, 2 * Page));
            Assert.Equal(2, uffd.Stats[UffdRetry.SourceFaulted]);
            Assert.Equal(0, Mm.ReadByte(mm, Dst));
            Assert.NotNull(EntryAt(mm, Src)); // faulted in by the copy
            Assert.Equal(1, EntryAt(mm, Dst)!.Folio.RefCount);
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void CopyErrorsAndPartialProgress()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup(dstLength: 8 * Page);
            Fill(mm, Src, 4);
            Assert.Equal(-Errno.EINVAL, uffd.Copy(Dst + 1, Src, Page));
            Assert.Equal(-Errno.EINVAL, uffd.Copy(Dst, Src + 1, Page));
            Assert.Equal(-Errno.EINVAL, uffd.Copy(Dst, Dst + Page, 2 * Page));   // overlapping
            Assert.Equal(-Errno.ENOENT, uffd.Copy(Src + (8 * Page), Src, Page));  // not registered
            Assert.Equal(-Errno.ENOENT, uffd.Copy(Dst + (8 * Page), Src, Page));  // past the registered range

            // A populated destination page stops the copy there: progress is reported, then -EEXIST on its own.
            Assert.Equal((long)Page, uffd.Copy(Dst + Page, Src, Page));
            Assert.Equal((long)Page, uffd.Copy(Dst, Src, 3 * Page));
            Assert.Equal(-Errno.EEXIST, uffd.Copy(Dst + Page, Src, Page));
            Assert.Equal(1, EntryAt(mm, Dst + Page)!.Folio.RefCount); // the refused folio was put back, not leaked

            // A huge destination PMD: -EEXIST.
            var (huge, hugeUffd) = Setup();
            Mm.Populate(huge, Dst, PageGeometry.PmdSize);
            Assert.Equal(0, huge.CollapseHugePage(Dst));
            Fill(huge, Src, 1);
            Assert.Equal(-Errno.EEXIST, hugeUffd.Copy(Dst, Src, Page));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void ZeroPageMapsZeroedPages()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Assert.Equal((long)(2 * Page), uffd.ZeroPage(Dst, 2 * Page));
            Assert.Equal(0, Mm.ReadByte(mm, Dst + Page + 7));
            Assert.Equal(-Errno.EEXIST, uffd.ZeroPage(Dst, Page));
            Assert.Equal(-Errno.EINVAL, uffd.ZeroPage(Dst + 3, Page));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void MoveTakesThePagesAcrossWithTheirRmap()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Fill(mm, Src, 4);
            var folio = EntryAt(mm, Src + Page)!.Folio;
            mm.MmapLock.DownRead();
            var dstVma = mm.FindVma(Dst)!;
            mm.MmapLock.UpRead();
            Assert.Equal((long)(4 * Page), uffd.Move(Dst, Src, 4 * Page));
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal((byte)(i + 1), Mm.ReadByte(mm, Dst + ((ulong)i * Page)));
                Assert.Null(EntryAt(mm, Src + ((ulong)i * Page)));
            }

            Assert.Same(folio, EntryAt(mm, Dst + Page)!.Folio); // moved, not copied
            Assert.Same(dstVma.AnonVma, folio.AnonVma);         // the rmap followed it
            Assert.Equal(1, folio.MapCount);
            Assert.Equal(1, folio.RefCount);
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void MoveErrors()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Fill(mm, Src, 2);
            Assert.Equal(-Errno.EINVAL, uffd.Move(Dst, Src + 1, Page));
            Assert.Equal(-Errno.ENOENT, uffd.Move(Src + Page, Src, Page));          // destination not registered
            Assert.Equal(-Errno.ENOENT, uffd.Move(Dst, Src + (4 * Page), Page));    // a hole in the source
            Assert.Equal((long)(2 * Page), uffd.Move(Dst, Src + (3 * Page), 2 * Page, UffdMoveMode.AllowSourceHoles)); // holes count as done
            Assert.Null(EntryAt(mm, Dst));

            // A populated destination: -EEXIST; a shared source page: -EBUSY (nothing changes).
            Assert.Equal((long)Page, uffd.Move(Dst + (8 * Page), Src, Page));
            Fill(mm, Src, 1);
            Assert.Equal(-Errno.EEXIST, uffd.Move(Dst + (8 * Page), Src, Page));
            var shared = EntryAt(mm, Src + Page)!.Folio;
            shared.AddRmap(); // a second mapping, as after fork
            Assert.Equal(-Errno.EBUSY, uffd.Move(Dst + (9 * Page), Src + Page, Page));
            Assert.Same(shared, EntryAt(mm, Src + Page)!.Folio);
            shared.RemoveRmap();

            // A shared (file-like) source VMA is refused.
            var sharedMm = new MmStruct();
            sharedMm.Mmap(Src, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write | VmFlags.Shared);
            sharedMm.Mmap(Dst, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
            var sharedUffd = new Userfaultfd(sharedMm);
            Assert.Equal(0, sharedUffd.Register(Dst, PageGeometry.PmdSize));
            Assert.Equal(-Errno.EINVAL, sharedUffd.Move(Dst, Src, Page));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void AHugePmdThatTheRangeCoversMovesWhole()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Fill(mm, Src, 512);
            Assert.Equal(0, mm.CollapseHugePage(Src));
            var huge = mm.PmdOffset(Src)!.GetLockless().Folio!;
            Assert.Equal((long)PageGeometry.PmdSize, uffd.Move(Dst, Src, PageGeometry.PmdSize));
            Assert.True(mm.PmdOffset(Src)!.GetLockless().IsNone);
            Assert.Same(huge, mm.PmdOffset(Dst)!.GetLockless().Folio);
            mm.MmapLock.DownRead();
            Assert.Same(mm.FindVma(Dst)!.AnonVma, huge.AnonVma);
            mm.MmapLock.UpRead();
            Assert.Equal(1, uffd.Stats[UffdRetry.HugeMoved]);
            Assert.Equal(0, uffd.Stats[UffdRetry.HugeSplit]);
            Assert.Equal(1, Mm.ReadByte(mm, Dst));
            Assert.Equal(200, Mm.ReadByte(mm, Dst + (199 * Page)));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void MoveOutOfAHugePmdSplitsItFirst()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Fill(mm, Src, 512);
            Assert.Equal(0, mm.CollapseHugePage(Src));
            Assert.Equal((long)(2 * Page), uffd.Move(Dst, Src + (10 * Page), 2 * Page));
            Assert.Equal(11, Mm.ReadByte(mm, Dst));
            Assert.Equal(12, Mm.ReadByte(mm, Dst + Page));
            Assert.Equal(10, Mm.ReadByte(mm, Src + (9 * Page)));   // the rest stays, split into small folios
            Assert.True(uffd.Stats[UffdRetry.HugeSplit] >= 1);
            Assert.Equal(0, EntryAt(mm, Dst)!.Folio.Order);
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void ABusyFolioOrAnonVmaIsWaitedForAndTheStepRetried()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Fill(mm, Src, 2);

            // Another thread holds the source folio's lock: the move's try-lock fails under the maps, it drops them,
            // sleeps on the lock, and retries once the holder lets go.
            var folio = EntryAt(mm, Src)!.Folio;
            using var holding = new ManualResetEventSlim();
            var holder = OtherThread.Start(() =>
            {
                folio.Lock();
                holding.Set();
                SpinWait.SpinUntil(() => uffd.Stats[UffdRetry.FolioBusy] > 0, TimeSpan.FromSeconds(10));
                folio.Unlock();
            });
            holding.Wait();
            Assert.Equal((long)Page, uffd.Move(Dst, Src, Page));
            holder.Join();
            Assert.Equal(1, uffd.Stats[UffdRetry.FolioBusy]);

            // The same for the source anon_vma's rwsem.
            mm.MmapLock.DownRead();
            var anonVma = mm.FindVma(Src)!.AnonVma!;
            mm.MmapLock.UpRead();
            holding.Reset();
            holder = OtherThread.Start(() =>
            {
                anonVma.Rwsem.DownWrite();
                holding.Set();
                SpinWait.SpinUntil(() => uffd.Stats[UffdRetry.AnonVmaBusy] > 0, TimeSpan.FromSeconds(10));
                anonVma.Rwsem.UpWrite();
            });
            holding.Wait();
            Assert.Equal((long)Page, uffd.Move(Dst + Page, Src + Page, Page));
            holder.Join();
            Assert.Equal(1, uffd.Stats[UffdRetry.AnonVmaBusy]);
            Assert.Equal(2, Mm.ReadByte(mm, Dst + Page));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void CopyUnderConcurrentRetractAndCollapseOfTheDestination()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            Fill(mm, Src, 512);
            var errors = new ConcurrentQueue<Exception>();
            var clock = Stopwatch.StartNew();
            using var done = new ManualResetEventSlim();
            var racer = OtherThread.Start(() =>
            {
                try
                {
                    // Empty-table reclaim and khugepaged on the destination while it fills: maps fail (-EAGAIN, retried)
                    // and, once the PMD is huge, the rest of the copy is -EEXIST — as in the kernel.
                    for (int round = 0; !done.IsSet && round < 20_000 && clock.Elapsed < TimeSpan.FromSeconds(5); round++)
                    {
                        mm.RetractPageTable(Dst);
                        if (round % 64 == 63)
                        {
                            mm.CollapseHugePage(Dst);
                        }
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            });

            long copied = uffd.Copy(Dst, Src, PageGeometry.PmdSize);
            done.Set();
            racer.Join();
            Assert.Empty(errors);
            Assert.True(copied > 0 || copied == -Errno.EEXIST, $"copy returned {copied}");
            for (long i = 0; i < Math.Max(copied, 0) / (long)Page; i++)
            {
                Assert.Equal((byte)(i + 1), Mm.ReadByte(mm, Dst + ((ulong)i * Page) + 9)); // every copied page's bytes
            }

            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void MoveUnderConcurrentCollapseSplitRetractAndMigrationLosesNothing()
        {
            using var lockdep = new LockdepScope();
            var (mm, uffd) = Setup();
            const int pages = 64;
            Fill(mm, Src, pages);
            var errors = new ConcurrentQueue<Exception>();
            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var racer = OtherThread.Start(() =>
            {
                try
                {
                    // khugepaged and friends on the source PMD, bounded in time and count.
                    for (int round = 0; round < 2000 && !stop.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(5); round++)
                    {
                        switch (round % 4)
                        {
                            case 0: mm.CollapseHugePage(Src); break;
                            case 1: mm.MigrateHugePage(Src); break;
                            case 2: mm.SplitHugePmd(Src); break;
                            default: mm.RetractPageTable(Src); break;
                        }
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            });

            long moved = 0;
            for (int i = 0; i < pages; i++)
            {
                long result = uffd.Move(Dst + ((ulong)i * Page), Src + ((ulong)i * Page), Page);
                Assert.True(result == (long)Page, $"page {i}: {result}");
                moved += result;
            }

            stop.Cancel();
            racer.Join();
            Assert.Empty(errors);
            Assert.Equal((long)(pages * (int)Page), moved);
            for (int i = 0; i < pages; i++)
            {
                var entry = EntryAt(mm, Dst + ((ulong)i * Page))!;
                Assert.Equal((byte)(i + 1), Mm.ReadByte(mm, Dst + ((ulong)i * Page) + 5)); // every page's bytes, exactly once
                Assert.False(entry.Folio.IsFreed);
                Assert.Equal(1, entry.Folio.MapCount);
                // The source holds none of the moved bytes: the page is gone, or (a collapse fills holes with zeroed
                // pages, as khugepaged does) it is a zero page — never a second copy.
                if (EntryAt(mm, Src + ((ulong)i * Page)) != null)
                {
                    Assert.Equal(0, Mm.ReadByte(mm, Src + ((ulong)i * Page) + 5));
                }
            }

            Assert.Empty(lockdep.Reports);
        }
    }
}
