using System;
using System.Linq;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    public class MemoryTests
    {
        private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed)).ToArray();

        [Fact]
        public void WritesAcrossPagesAndPmdsReadBack()
        {
            var (mm, _) = Mm.WithVma();
            ulong start = Mm.Base + PageGeometry.PmdSize - 5000; // crosses pages and the PMD boundary
            var data = Pattern(12_000, 3);
            Assert.Equal(0, mm.Write(start, data));
            var back = new byte[data.Length];
            Assert.Equal(0, mm.Read(start, back));
            Assert.Equal(data, back);
        }

        [Fact]
        public void UntouchedMemoryReadsAsZero()
        {
            var (mm, _) = Mm.WithVma();
            var back = new byte[100];
            Assert.Equal(0, mm.Read(Mm.Base + 12345, back));
            Assert.All(back, b => Assert.Equal(0, b));
        }

        [Fact]
        public void BadAddressesGiveEfault()
        {
            var (mm, _) = Mm.WithVma();
            Assert.Equal(-Errno.EFAULT, mm.Write(Mm.Base - 1, new byte[1]));
            Assert.Equal(-Errno.EFAULT, mm.Write(Mm.Base + Mm.TwoPmds - 1, new byte[2])); // runs off the end
            Assert.Equal(-Errno.EFAULT, mm.Read(PageGeometry.TaskSize, new byte[1]));
            Assert.Equal(-Errno.EFAULT, mm.Read(ulong.MaxValue, new byte[1]));
        }

        [Fact]
        public void ReadOnlyVmaRefusesWritesButServesReads()
        {
            var (mm, vma) = Mm.WithVma(flags: VmFlags.Read);
            Assert.Equal(-Errno.EFAULT, mm.Write(Mm.Base, new byte[1]));
            Assert.Equal(0, mm.Read(Mm.Base, new byte[1]));
            Assert.Equal(VmFault.SigSegv, mm.HandleMmFault(vma, Mm.Base, write: true));
            Assert.Equal(VmFault.SigSegv, mm.HandleMmFault(vma, Mm.Base + Mm.TwoPmds, write: false));
        }

        [Fact]
        public void MmapValidatesItsArguments()
        {
            var mm = new MmStruct();
            Assert.Throws<ArgumentException>(() => mm.Mmap(Mm.Base + 1, PageGeometry.PageSize, VmFlags.Read));
            Assert.Throws<ArgumentException>(() => mm.Mmap(Mm.Base, 100, VmFlags.Read));
            Assert.Throws<ArgumentException>(() => mm.Mmap(Mm.Base, 0, VmFlags.Read));
            Assert.Throws<ArgumentException>(() => mm.Mmap(PageGeometry.TaskSize - PageGeometry.PageSize, 2 * PageGeometry.PageSize, VmFlags.Read));
            mm.Mmap(Mm.Base, PageGeometry.PmdSize, VmFlags.Read);
            Assert.Contains("overlaps", Assert.Throws<ArgumentException>(() => mm.Mmap(Mm.Base + PageGeometry.PageSize, PageGeometry.PageSize, VmFlags.Read)).Message);
            Assert.Throws<LockStateException>(() => mm.FindVma(Mm.Base));
        }

        [Fact]
        public void CollapseSplitAndMigrationPreserveEveryByte()
        {
            var (mm, _) = Mm.WithVma();
            var data = Pattern((int)PageGeometry.PmdSize / 2, 11);
            Assert.Equal(0, mm.Write(Mm.Base + 4096, data));
            var pmd = mm.PmdOffset(Mm.Base)!;

            Assert.Equal(0, mm.CollapseHugePage(Mm.Base));
            Assert.True(pmd.GetLockless().IsHuge);
            AssertReads(mm, Mm.Base + 4096, data);

            Assert.Equal(0, mm.MigrateHugePage(Mm.Base));
            Assert.True(pmd.GetLockless().IsHuge);
            AssertReads(mm, Mm.Base + 4096, data);

            Assert.Equal(0, mm.SplitHugePmd(Mm.Base));
            Assert.Equal(PmdKind.Table, pmd.GetLockless().Kind);
            AssertReads(mm, Mm.Base + 4096, data);

            Assert.Equal(0, mm.CollapseHugePage(Mm.Base));
            AssertReads(mm, Mm.Base + 4096, data);
        }

        [Fact]
        public void MutatorsReportWhatTheyCouldNotDo()
        {
            var (mm, _) = Mm.WithVma();
            Assert.Equal(-Errno.EINVAL, mm.CollapseHugePage(Mm.Base + PageGeometry.PageSize)); // unaligned
            Assert.Equal(-Errno.EINVAL, mm.CollapseHugePage(Mm.Base + Mm.TwoPmds));           // no VMA
            Assert.Equal(-Errno.EAGAIN, mm.CollapseHugePage(Mm.Base));                        // no table yet
            Assert.Equal(-Errno.EAGAIN, mm.SplitHugePmd(Mm.Base));
            Assert.Equal(-Errno.EAGAIN, mm.InstallMigrationEntry(Mm.Base));
            Assert.Equal(-Errno.EAGAIN, mm.RemoveMigrationEntry(Mm.Base));
            Mm.Populate(mm, Mm.Base, PageGeometry.PageSize);
            Assert.Equal(-Errno.EBUSY, mm.RetractPageTable(Mm.Base));
            Assert.Equal(-Errno.EINVAL, mm.ZapRange(Mm.Base + 1, Mm.Base + PageGeometry.PageSize));
            Assert.Equal(-Errno.EINVAL, mm.ZapRange(Mm.Base + PageGeometry.PageSize, Mm.Base));
        }

        [Fact]
        public void ZapDropsPagesAndReferencesThenTheEmptyTableRetracts()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, 8 * PageGeometry.PageSize, marker: 9);
            var pmd = mm.PmdOffset(Mm.Base)!;
            var pte = pmd.MapLock(Mm.Base)!;
            var folio = pte.Read()!.Folio;
            pte.Unlock();
            Assert.Equal(1, folio.RefCount);
            Assert.Equal(1, folio.MapCount);

            Assert.Equal(0, mm.ZapRange(Mm.Base, Mm.Base + PageGeometry.PmdSize));
            Assert.True(folio.IsFreed);
            Assert.Equal(0, folio.MapCount);
            Assert.Throws<MmStateException>(() => folio.Write(0, 0, new byte[1]));
            Assert.Throws<MmStateException>(() => folio.Put());

            Assert.Equal(0, mm.RetractPageTable(Mm.Base));
            Assert.True(pmd.GetLockless().IsNone);
            Assert.Null(pmd.MapLock(Mm.Base));
            Assert.Equal(0, Mm.ReadByte(mm, Mm.Base)); // refaults a fresh zero page
        }

        [Fact]
        public void ZapOfPartOfAHugePmdSplitsIt()
        {
            var (mm, _) = Mm.WithVma();
            Mm.Populate(mm, Mm.Base, PageGeometry.PmdSize, marker: 4);
            Assert.Equal(0, mm.CollapseHugePage(Mm.Base));
            Assert.Equal(0, mm.ZapRange(Mm.Base, Mm.Base + PageGeometry.PageSize));
            Assert.Equal(PmdKind.Table, mm.PmdOffset(Mm.Base)!.GetLockless().Kind);
            Assert.Equal(0, Mm.ReadByte(mm, Mm.Base));
            Assert.Equal(4, Mm.ReadByte(mm, Mm.Base + PageGeometry.PageSize));
        }

        [Fact]
        public void FolioChecksItsBounds()
        {
            var folio = Folio.Alloc();
            Assert.Throws<ArgumentOutOfRangeException>(() => folio.Read(1, 0, new byte[1]));
            Assert.Throws<ArgumentOutOfRangeException>(() => folio.Write(0, 4095, new byte[2]));
            Assert.Throws<ArgumentOutOfRangeException>(() => Folio.Alloc(10));
            Assert.Throws<ArgumentOutOfRangeException>(() => Pte.Make(folio, 1, true));
        }

        private static void AssertReads(MmStruct mm, ulong address, byte[] expected)
        {
            var back = new byte[expected.Length];
            Assert.Equal(0, mm.Read(address, back));
            Assert.True(expected.AsSpan().SequenceEqual(back), "bytes differ after the mutation");
        }
    }
}
