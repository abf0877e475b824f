using System;
using System.Collections.Generic;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// An address space (<c>mm_struct</c>): VMAs under <see cref="MmapLock"/>, four levels of page tables with split
    /// locks (one per PTE table, one per PMD table) and <see cref="PageTableLock"/> for the upper levels.
    /// </summary>
    public sealed partial class MmStruct
    {
        // Entries are published under page_table_lock with Volatile.Write and never freed: PmdOffset walks them without it.
        [PtGuardedBy(nameof(PageTableLock))]
        private readonly PudTable?[] pgd = new PudTable?[PageGeometry.PtrsPerTable];

        [PtGuardedBy(nameof(MmapLock))]
        private readonly List<Vma> vmas = new List<Vma>();

        /// <summary>The mmap lock: VMAs are read under its read side and changed under its write side.</summary>
        [LockClass(LockClass.MmapLockName)]
        public RwSemaphore MmapLock { get; } = new RwSemaphore(LockClass.MmapLock);

        /// <summary>Guards allocation of the upper page-table levels.</summary>
        [LockClass(LockClass.PageTableLockName)]
        public TicketLock PageTableLock { get; } = new TicketLock(LockClass.PageTableLock);

        /// <summary>
        /// Maps [<paramref name="start"/>, <paramref name="start"/>+<paramref name="length"/>) as a new VMA
        /// (<c>vm_mmap</c>): takes the mmap lock for write itself.
        /// </summary>
        /// <exception cref="ArgumentException">Unaligned, empty, outside user space, or overlapping an existing VMA.</exception>
        [MightSleep]
        public Vma Mmap(ulong start, ulong length, VmFlags flags) => Mmap(start, length, flags, null, 0);

        /// <summary>Maps <paramref name="file"/> shared from page <paramref name="pgoff"/> on (a tmpfs mapping).</summary>
        /// <exception cref="ArgumentException">As for <see cref="Mmap(ulong, ulong, VmFlags)"/>.</exception>
        [MightSleep]
        public Vma MmapShmem(ulong start, ulong length, ShmemInode file, long pgoff = 0) =>
            Mmap(start, length, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file ?? throw new ArgumentNullException(nameof(file)), pgoff);

        [MightSleep]
        private Vma Mmap(ulong start, ulong length, VmFlags flags, ShmemInode? file, long pgoff)
        {
            if (!PageGeometry.IsAligned(start, PageGeometry.PageSize) || !PageGeometry.IsAligned(length, PageGeometry.PageSize))
            {
                throw new ArgumentException($"mmap needs page-aligned start and length; got 0x{start:x} + 0x{length:x}.");
            }

            if (length == 0 || start + length > PageGeometry.TaskSize || start + length < start)
            {
                throw new ArgumentException($"mmap range 0x{start:x} + 0x{length:x} is empty or leaves user space.");
            }

            MmapLock.DownWrite();
            try
            {
                foreach (var existing in vmas)
                {
                    if (start < existing.End && existing.Start < start + length)
                    {
                        throw new ArgumentException($"mmap range [0x{start:x}, 0x{start + length:x}) overlaps {existing}.");
                    }
                }

                var vma = new Vma(this, start, start + length, flags, file, pgoff);
                vmas.Add(vma);
                vmas.Sort((a, b) => a.Start.CompareTo(b.Start));
                return vma;
            }
            finally
            {
                MmapLock.UpWrite();
            }
        }

        /// <summary>The VMA containing <paramref name="address"/>, or null (<c>vma_lookup</c>). The caller holds the mmap lock.</summary>
        /// <exception cref="LockStateException">The mmap lock is not held.</exception>
        [MustHold(nameof(MmapLock), Shared = true)]
        public Vma? FindVma(ulong address)
        {
            if (!MmapLock.IsLocked)
            {
                throw new LockStateException("FindVma without the mmap lock: take MmapLock.DownRead() first.");
            }

            Lockdep.AssertHeldShared(MmapLock); // mmap_assert_locked: the check above cannot tell whose hold it saw

            foreach (var vma in vmas)
            {
                if (vma.Contains(address))
                {
                    return vma;
                }
            }

            return null;
        }

        /// <summary>The PMD slot for <paramref name="address"/> if the upper levels exist (<c>pmd_off</c>), else null.</summary>
        [ContextUnsafe("a lockless walk of the upper levels, as pgd_offset/pud_offset: their entries are published under page_table_lock with Volatile.Write and never freed")]
        public Pmd? PmdOffset(ulong address)
        {
            PageGeometry.CheckUserAddress(address, nameof(address));
            var pud = Volatile.Read(ref pgd[PageGeometry.PgdIndex(address)]);
            var pmdTable = pud is null ? null : Volatile.Read(ref pud.Entries[PageGeometry.PudIndex(address)]);
            return pmdTable?.Slots[PageGeometry.PmdIndex(address)];
        }

        /// <summary>The PMD slot for <paramref name="address"/>, allocating the upper levels (<c>pmd_alloc</c>).</summary>
        public Pmd PmdAlloc(ulong address)
        {
            var existing = PmdOffset(address);
            if (existing != null)
            {
                return existing;
            }

            PageTableLock.Lock();
            try
            {
                int pgdIndex = PageGeometry.PgdIndex(address);
                var pud = pgd[pgdIndex];
                if (pud is null)
                {
                    pud = new PudTable();
                    Volatile.Write(ref pgd[pgdIndex], pud);
                }

                int pudIndex = PageGeometry.PudIndex(address);
                var pmdTable = pud.Entries[pudIndex];
                if (pmdTable is null)
                {
                    pmdTable = new PmdTable(this, address & ~((1UL << PageGeometry.PudShift) - 1));
                    Volatile.Write(ref pud.Entries[pudIndex], pmdTable);
                }

                return pmdTable.Slots[PageGeometry.PmdIndex(address)];
            }
            finally
            {
                PageTableLock.Unlock();
            }
        }

        /// <summary>Hooks a new, empty PTE table into an empty PMD (<c>pmd_install</c>); false if the PMD was no longer empty.</summary>
        internal static bool InstallTable(Pmd pmd)
        {
            var ptl = pmd.Lock();
            try
            {
                if (!pmd.GetLockless().IsNone)
                {
                    return false;
                }

                pmd.Set(PmdValue.ForTable(new PteTable(pmd.Address)));
                return true;
            }
            finally
            {
                ptl.Unlock();
            }
        }
    }
}
