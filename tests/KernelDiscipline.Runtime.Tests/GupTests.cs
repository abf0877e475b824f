using System;
using System.Collections.Generic;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>get_user_pages / pin_user_pages and seed 004's contract, with lockdep on.</summary>
    public class GupTests
    {
        private const ulong Page = PageGeometry.PageSize;

        [Fact]
        public void PopulatedAndMissingPagesAreGotAndPinned()
        {
            using var lockdep = new LockdepScope();
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, 2 * Page);
            var pages = new Folio?[4];
            Assert.Equal(4, Gup.GetUserPages(mm, Mm.Base, 4, GupFlags.Get | GupFlags.Write, pages)); // 2 there, 2 faulted in
            Assert.All(pages, folio => Assert.Equal(2, folio!.RefCount)); // the PTE's and ours
            foreach (var folio in pages)
            {
                folio!.Put();
            }

            var pinned = new Folio?[2];
            Assert.Equal(2, Gup.PinUserPages(mm, Mm.Base, 2, GupFlags.Write | GupFlags.Longterm, pinned));
            Assert.True(pinned[0]!.IsMaybeDmaPinned);
            Assert.Equal(1, pinned[1]!.PinCount);
            Gup.UnpinUserPages(pinned, 2);
            Assert.Null(pinned[0]);
            Assert.Throws<MmStateException>(() => pages[0]!.Unpin()); // never pinned
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void ThePfnMapContractOfSeed004()
        {
            using var lockdep = new LockdepScope();
            var mm = new MmStruct();
            mm.Mmap(Mm.Base, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write | VmFlags.PfnMap);
            Assert.Equal(0, mm.RemapPfnRange(Mm.Base, 4, firstPfn: 100));

            // A populated entry with no page behind it: -EEXIST inside the walk. With pages asked for it is -EFAULT;
            // without (mlock/populate) the page is skipped and the walk goes on.
            Assert.Equal(-Errno.EFAULT, Gup.GetUserPages(mm, Mm.Base, 4, GupFlags.Get, new Folio?[4]));
            Assert.Equal(4, Gup.GetUserPages(mm, Mm.Base, 4, GupFlags.Populate, null));
            // Past the driver's frames nothing can be faulted in: -EFAULT after the progress.
            Assert.Equal(4, Gup.GetUserPages(mm, Mm.Base, 6, GupFlags.Populate, null));
            Assert.Equal(-Errno.EFAULT, Gup.GetUserPages(mm, Mm.Base + (4 * Page), 1, GupFlags.Populate, null));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void FlagsThatDoNotMatchThePagesArrayAreEinvalWithOneWarning()
        {
            using var lockdep = new LockdepScope();
            var warnings = new List<string>();
            Kernel.WarningSink = warnings.Add;
            try
            {
                var (mm, _) = Mm.WithVma();
                Assert.Equal(-Errno.EINVAL, Gup.GetUserPages(mm, Mm.Base, 1, GupFlags.Get, null));                  // Get without pages
                Assert.Equal(-Errno.EINVAL, Gup.GetUserPages(mm, Mm.Base, 1, GupFlags.Get, null));                  // again: no second warning
                Assert.Equal(-Errno.EINVAL, Gup.GetUserPages(mm, Mm.Base, 1, GupFlags.None, new Folio?[1]));        // pages without Get/Pin
                Assert.Equal(-Errno.EINVAL, Gup.PinUserPages(mm, Mm.Base, 1, GupFlags.Get, new Folio?[1]));         // Get and Pin together
                Assert.InRange(warnings.Count, 1, 2); // one per call site, once each
                Assert.Equal(-Errno.EINVAL, Gup.GetUserPages(mm, Mm.Base, 0, GupFlags.Get, new Folio?[1]));         // nrPages <= 0
                Assert.Equal(-Errno.EINVAL, Gup.GetUserPages(mm, Mm.Base + 1, 1, GupFlags.Get, new Folio?[1]));     // unaligned
                Assert.Equal(-Errno.EINVAL, Gup.GetUserPages(mm, Mm.Base, 2, GupFlags.Get, new Folio?[1]));         // short array
                Assert.Equal(-Errno.EFAULT, Gup.GetUserPages(mm, 0x1000_0000, 1, GupFlags.Get, new Folio?[1]));     // no VMA
            }
            finally
            {
                Kernel.WarningSink = null;
            }

            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void PartialProgressWhenTheVmaEnds()
        {
            using var lockdep = new LockdepScope();
            var mm = new MmStruct();
            mm.Mmap(Mm.Base, 2 * Page, VmFlags.Read | VmFlags.Write);
            var pages = new Folio?[4];
            Assert.Equal(2, Gup.GetUserPages(mm, Mm.Base, 4, GupFlags.Get, pages));
            Assert.NotNull(pages[1]);
            Assert.Null(pages[2]);
            foreach (var folio in pages)
            {
                folio?.Put();
            }

            var readOnly = new MmStruct();
            readOnly.Mmap(Mm.Base, Page, VmFlags.Read);
            Assert.Equal(-Errno.EFAULT, Gup.GetUserPages(readOnly, Mm.Base, 1, GupFlags.Get | GupFlags.Write, new Folio?[1])); // no COW to break
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void APinnedFolioSurvivesZapAndRefusesMigrationAndCollapse()
        {
            using var lockdep = new LockdepScope();
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, 3 * Page, marker: 0x77);
            var pinned = new Folio?[1];
            Assert.Equal(1, Gup.PinUserPages(mm, Mm.Base, 1, GupFlags.Write, pinned));
            var folio = pinned[0]!;

            Assert.Equal(-Errno.EBUSY, mm.CollapseHugePage(Mm.Base));     // khugepaged leaves a pinned page alone
            Assert.Equal(0, mm.ZapRange(Mm.Base, Mm.Base + (3 * Page)));  // the mapping goes, the pin keeps the page
            Assert.False(folio.IsFreed);
            var bytes = new byte[1];
            folio.Read(0, 0, bytes);
            Assert.Equal(0x77, bytes[0]);
            Gup.UnpinUserPages(pinned, 1);
            Assert.True(folio.IsFreed);

            // A pinned huge folio: migration refuses it.
            Mm.Populate(mm, Mm.Base + PageGeometry.PmdSize, PageGeometry.PmdSize);
            Assert.Equal(0, mm.CollapseHugePage(Mm.Base + PageGeometry.PmdSize));
            Assert.Equal(1, Gup.PinUserPages(mm, Mm.Base + PageGeometry.PmdSize, 1, GupFlags.None, pinned));
            Assert.Equal(-Errno.EBUSY, mm.InstallMigrationEntry(Mm.Base + PageGeometry.PmdSize));
            Gup.UnpinUserPages(pinned, 1);
            Assert.Equal(0, mm.InstallMigrationEntry(Mm.Base + PageGeometry.PmdSize));
            Assert.Empty(lockdep.Reports);
        }

        [Fact]
        public void PinsHoldUnderConcurrentZapCollapseAndMigration()
        {
            using var lockdep = new LockdepScope();
            var (mm, _) = Mm.WithVma();
            var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var done = new System.Threading.ManualResetEventSlim();
            var racer = OtherThread.Start(() =>
            {
                try
                {
                    for (int round = 0; !done.IsSet && round < 5_000 && clock.Elapsed < TimeSpan.FromSeconds(5); round++)
                    {
                        switch (round % 3)
                        {
                            case 0: mm.CollapseHugePage(Mm.Base); break;
                            case 1: mm.MigrateHugePage(Mm.Base); break;
                            default: mm.ZapRange(Mm.Base, Mm.Base + PageGeometry.PmdSize); break;
                        }
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            });

            // Pin a page, write through the pin, and check that the folio stays alive and keeps what was written,
            // whatever happens to the mapping meanwhile.
            var pages = new Folio?[1];
            for (int round = 0; round < 200 && clock.Elapsed < TimeSpan.FromSeconds(5); round++)
            {
                ulong address = Mm.Base + ((ulong)(round % 512) * Page);
                long got = Gup.PinUserPages(mm, address, 1, GupFlags.Write, pages);
                Assert.Equal(1, got);
                var folio = pages[0]!;
                folio.Write(folio.Order == 0 ? 0 : (int)(round % 512), 0, new[] { (byte)round });
                System.Threading.Thread.Yield();
                Assert.False(folio.IsFreed);
                var back = new byte[1];
                folio.Read(folio.Order == 0 ? 0 : (int)(round % 512), 0, back);
                Assert.Equal((byte)round, back[0]);
                Gup.UnpinUserPages(pages, 1);
            }

            done.Set();
            racer.Join();
            Assert.Empty(errors);
            Assert.Empty(lockdep.Reports);
        }
    }
}
