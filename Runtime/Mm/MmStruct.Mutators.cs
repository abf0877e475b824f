using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// The concurrent mutators that make maps fail. None of them takes the mmap lock for write (as khugepaged's
    /// retract_page_tables and the empty-table reclaim do not), so they really race with faults and map users; each
    /// changes a PMD only under the PMD lock and the PTE table's lock, so a map re-validated under the PTL is safe.
    /// </summary>
    public sealed partial class MmStruct
    {
        /// <summary>
        /// Collapses the PTE table at the PMD-aligned <paramref name="address"/> into one huge folio (khugepaged):
        /// copies every present page, installs the huge PMD and frees the table. 0, -EAGAIN when no table is there,
        /// -EINVAL when the address is unaligned or the 2 MiB range is not inside one VMA.
        /// </summary>
        [MightSleep]
        [ReturnsErrno]
        public int CollapseHugePage(ulong address)
        {
            var pmd = MutatorPmd(address, out int error);
            if (pmd is null)
            {
                return error;
            }

            // Allocate before the spinning locks; the huge folio is dropped if the collapse does not happen.
            var huge = Folio.Alloc(PageGeometry.HugePageOrder);
            Folio?[] oldFolios = new Folio?[PageGeometry.PtrsPerTable];
            var pmdLock = pmd.Lock();
            var pmdval = pmd.GetLockless();
            var table = pmdval.Table;
            if (table is null)
            {
                pmdLock.Unlock();
                huge.Put();
                return -Errno.EAGAIN;
            }

            table.Ptl.Lock();
            for (int i = 0; i < PageGeometry.PtrsPerTable; i++)
            {
                // khugepaged leaves pinned pages (a DMA may be writing them) and special entries (no page) alone.
                var unmovable = table.Get(i);
                if (unmovable != null && (unmovable.Special || unmovable.Folio.IsMaybeDmaPinned))
                {
                    table.Ptl.Unlock();
                    pmdLock.Unlock();
                    huge.Put();
                    return -Errno.EBUSY;
                }
            }

            for (int i = 0; i < PageGeometry.PtrsPerTable; i++)
            {
                var entry = table.Get(i);
                if (entry != null)
                {
                    entry.Folio.CopyPageTo(entry.Page, huge, i);
                    oldFolios[i] = entry.Folio;
                }
            }

            huge.AddMappings(1);
            pmd.Set(PmdValue.ForHuge(huge));
            table.MarkFreed();
            table.Ptl.Unlock();
            pmdLock.Unlock();

            foreach (var folio in oldFolios)
            {
                if (folio != null)
                {
                    folio.AddMappings(-1);
                    folio.Put();
                }
            }

            return 0;
        }

        /// <summary>
        /// Frees the PTE table at the PMD-aligned <paramref name="address"/> if it maps nothing (empty-table reclaim):
        /// 0, -EBUSY when an entry is present, -EAGAIN when no table is there, -EINVAL as for <see cref="CollapseHugePage"/>.
        /// </summary>
        [ReturnsErrno]
        public int RetractPageTable(ulong address)
        {
            var pmd = MutatorPmd(address, out int error);
            if (pmd is null)
            {
                return error;
            }

            var pmdLock = pmd.Lock();
            var table = pmd.GetLockless().Table;
            if (table is null)
            {
                pmdLock.Unlock();
                return -Errno.EAGAIN;
            }

            table.Ptl.Lock();
            int result = -Errno.EBUSY;
            if (table.PresentCount() == 0)
            {
                pmd.Set(PmdValue.None);
                table.MarkFreed();
                result = 0;
            }

            table.Ptl.Unlock();
            pmdLock.Unlock();
            return result;
        }

        /// <summary>
        /// Splits the huge PMD at <paramref name="address"/> into a PTE table that maps the same folio page by page
        /// (<c>__split_huge_pmd</c>): 0, -EAGAIN when the PMD is not huge, -EINVAL as for <see cref="CollapseHugePage"/>.
        /// </summary>
        [ReturnsErrno]
        public int SplitHugePmd(ulong address)
        {
            var pmd = MutatorPmd(address, out int error);
            return pmd is null ? error : SplitHugePmd(pmd);
        }

        /// <summary>Splits a huge PMD for a caller that already found it (and may hold the mmap lock): 0 or -EAGAIN.</summary>
        internal int SplitHugePmd(Pmd pmd)
        {
            var table = new PteTable(pmd.Address);
            var pmdLock = pmd.Lock();
            var folio = pmd.GetLockless().IsHuge ? pmd.GetLockless().Folio : null;
            if (folio is null)
            {
                pmdLock.Unlock();
                return -Errno.EAGAIN;
            }

            // The new table is not reachable yet, so its lock is taken only to satisfy the write check.
            table.Ptl.Lock();
            for (int i = 0; i < PageGeometry.PtrsPerTable; i++)
            {
                table.Set(i, Pte.Make(folio, i, writable: true));
            }

            table.Ptl.Unlock();
            folio.AddReferences(PageGeometry.PtrsPerTable - 1);
            folio.AddMappings(PageGeometry.PtrsPerTable - 1);
            pmd.Set(PmdValue.ForTable(table));
            pmdLock.Unlock();
            return 0;
        }

        /// <summary>
        /// Replaces the huge PMD at <paramref name="address"/> with a migration entry (<c>set_pmd_migration_entry</c>):
        /// faults and maps at that PMD fail or wait until <see cref="RemoveMigrationEntry"/>. 0 or -EAGAIN when not huge.
        /// </summary>
        [ReturnsErrno]
        public int InstallMigrationEntry(ulong address)
        {
            var pmd = MutatorPmd(address, out int error);
            if (pmd is null)
            {
                return error;
            }

            var pmdLock = pmd.Lock();
            var current = pmd.GetLockless();
            int result = -Errno.EAGAIN;
            if (current.IsHuge && current.Folio!.IsMaybeDmaPinned)
            {
                result = -Errno.EBUSY; // migration refuses a pinned folio: the pin holder may be writing it
            }
            else if (current.IsHuge)
            {
                pmd.Set(PmdValue.ForMigration(current.Folio!));
                result = 0;
            }

            pmdLock.Unlock();
            return result;
        }

        /// <summary>
        /// Ends a migration (<c>remove_migration_pmd</c>): copies the folio to a new one and maps that.
        /// 0, or -EAGAIN when the PMD is not a migration entry.
        /// </summary>
        [MightSleep]
        [ReturnsErrno]
        public int RemoveMigrationEntry(ulong address)
        {
            var pmd = MutatorPmd(address, out int error);
            if (pmd is null)
            {
                return error;
            }

            var migrating = pmd.GetLockless();
            if (migrating.Kind != PmdKind.Migration)
            {
                return -Errno.EAGAIN;
            }

            // Nobody can reach the old folio through the migration entry, so copying outside the lock is safe.
            var source = migrating.Folio!;
            var target = Folio.Alloc(source.Order);
            for (int i = 0; i < source.PageCount; i++)
            {
                source.CopyPageTo(i, target, i);
            }

            var pmdLock = pmd.Lock();
            if (!pmd.Same(migrating))
            {
                pmdLock.Unlock();
                target.Put();
                return -Errno.EAGAIN;
            }

            target.AddMappings(1);
            pmd.Set(PmdValue.ForHuge(target));
            pmdLock.Unlock();
            source.AddMappings(-1);
            source.Put();
            return 0;
        }

        /// <summary>Migrates the huge folio at <paramref name="address"/>: install, copy, remove. 0 or -EAGAIN.</summary>
        [MightSleep]
        [ReturnsErrno]
        public int MigrateHugePage(ulong address)
        {
            int installed = InstallMigrationEntry(address);
            return installed != 0 ? installed : RemoveMigrationEntry(address);
        }

        /// <summary>
        /// Unmaps [<paramref name="start"/>, <paramref name="end"/>) (<c>zap_page_range</c>): drops PTEs and huge PMDs
        /// and their folio references. Page tables stay. 0, or -EINVAL for unaligned or reversed bounds.
        /// </summary>
        [ReturnsErrno]
        public int ZapRange(ulong start, ulong end)
        {
            if (!PageGeometry.IsAligned(start, PageGeometry.PageSize) || !PageGeometry.IsAligned(end, PageGeometry.PageSize) || end < start || end > PageGeometry.TaskSize)
            {
                return -Errno.EINVAL;
            }

            ulong next;
            for (ulong address = start; address < end; address = next)
            {
                next = Math.Min(PageGeometry.PmdAlignDown(address) + PageGeometry.PmdSize, end);
                var pmd = PmdOffset(address);
                if (pmd != null)
                {
                    ZapPmd(pmd, address, next);
                }
            }

            return 0;
        }

        private void ZapPmd(Pmd pmd, ulong start, ulong end)
        {
            while (true)
            {
                var pmdval = pmd.GetLockless();
                if (pmdval.Kind == PmdKind.None || pmdval.Kind == PmdKind.Bad)
                {
                    return;
                }

                if (pmdval.Kind == PmdKind.Migration)
                {
                    WaitForMigration(pmd, pmdval);
                    continue;
                }

                if (pmdval.IsHuge)
                {
                    if (start != pmd.Address || end != pmd.Address + PageGeometry.PmdSize)
                    {
                        SplitHugePmd(pmd.Address);
                        continue;
                    }

                    if (ZapHugePmd(pmd, pmdval))
                    {
                        return;
                    }

                    continue;
                }

                var pte = pmd.MapLock(start);
                if (pte is null)
                {
                    // The table went away (collapsed or retracted) after the lockless read: look at the PMD again.
                    continue;
                }

                for (ulong address = start; address < end; address += PageGeometry.PageSize)
                {
                    var entry = pte.Read(address);
                    if (entry != null)
                    {
                        pte.Write(address, null);
                        if (!entry.Special)
                        {
                            entry.Folio.AddMappings(-1);
                            entry.Folio.Put();
                        }
                    }
                }

                pte.Unlock();
                return;
            }
        }

        private static bool ZapHugePmd(Pmd pmd, PmdValue expected)
        {
            var pmdLock = pmd.Lock();
            if (!pmd.Same(expected))
            {
                pmdLock.Unlock();
                return false;
            }

            pmd.Set(PmdValue.None);
            pmdLock.Unlock();
            expected.Folio!.AddMappings(-1);
            expected.Folio.Put();
            return true;
        }

        /// <summary>The PMD of a mutator's PMD-aligned address inside one VMA, or null with the errno.</summary>
        private Pmd? MutatorPmd(ulong address, out int error)
        {
            error = -Errno.EINVAL;
            if (!PageGeometry.IsAligned(address, PageGeometry.PmdSize) || address >= PageGeometry.TaskSize)
            {
                return null;
            }

            MmapLock.DownRead();
            var vma = FindVma(address);
            MmapLock.UpRead();
            if (vma is null || vma.End - address < PageGeometry.PmdSize)
            {
                return null;
            }

            error = 0;
            return PmdOffset(address) ?? PmdAlloc(address);
        }
    }
}
