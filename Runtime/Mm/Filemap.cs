using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// The page-cache side of file faults (mm/filemap.c, mm/shmem.c): fault-around (<c>filemap_map_pages</c>, seed 003)
    /// and the single-page fault of a file-backed VMA.
    /// </summary>
    public static class Filemap
    {
        /// <summary>How many pages around a fault <see cref="Fault"/> tries to map (the kernel's fault_around_bytes / PAGE_SIZE).</summary>
        public const int FaultAroundPages = 16;

        /// <summary>
        /// <c>filemap_map_pages</c> with the map lock taken first: the PTE table of <paramref name="address"/> is mapped
        /// and locked (a failed map returns without mapping anything: the regular fault path does its work), then each
        /// page-cache folio of [<paramref name="startIndex"/>, <paramref name="endIndex"/>] in that table is try-locked —
        /// skipped when locked, not uptodate or beyond EOF — and mapped where the entry is none. A PMD that is none gets
        /// a preallocated table first. Returns <see cref="VmFault.NoPage"/> when the faulting page got mapped, else
        /// <see cref="VmFault.None"/> (the caller goes on with the single-page fault).
        /// </summary>
        public static VmFault MapPages(Vma vma, ulong address, long startIndex, long endIndex)
        {
            var file = (vma ?? throw new ArgumentNullException(nameof(vma))).File ?? throw new ArgumentException("Fault-around maps a file's pages: the VMA maps no file.", nameof(vma));
            var pmd = vma.Mm.PmdAlloc(address);
            pmd.PteAlloc(); // pmd_install of a preallocated table when the PMD is none
            var pte = pmd.MapLock(address);
            if (pte is null)
            {
                return VmFault.None; // the table went away or is huge: nothing mapped here
            }

            var result = VmFault.None;
            long faulting = vma.PageIndex(address);
            for (long index = Math.Max(startIndex, vma.PgOff); index <= endIndex && index < file.SizePages; index++)
            {
                ulong at = vma.Start + ((ulong)(index - vma.PgOff) << PageGeometry.PageShift);
                if (at >= vma.End || at < pmd.Address || at - pmd.Address >= PageGeometry.PmdSize)
                {
                    continue; // one table per fault-around, as the kernel's
                }

                var folio = file.Get(index); // i_pages nests inside the PTL (mm/rmap.c's order)
                if (folio is null)
                {
                    continue;
                }

                if (!folio.IsUptodate || !folio.TryLock())
                {
                    folio.Put(); // being read in, or busy: the regular fault path waits for it
                    continue;
                }

                if (!file.Caches(index, folio))
                {
                    // Taken out of the cache before we locked it (a UFFDIO_COPY whose install failed): not the file's page.
                    folio.Unlock();
                    folio.Put();
                    continue;
                }

                if (pte.Read(at) is null)
                {
                    folio.AddRmap(); // the PTE keeps the reference Get took
                    pte.Write(at, Pte.Make(folio, 0, vma.IsWritable));
                    result = index == faulting ? VmFault.NoPage : result;
                }
                else
                {
                    folio.Put();
                }

                folio.Unlock();
            }

            pte.Unlock();
            return result;
        }

        /// <summary>
        /// A fault on a file-backed VMA: fault-around first, then the single page (<c>shmem_fault</c>): from the page
        /// cache, or a new zeroed page accounted to the file. <see cref="VmFault.SigBus"/> beyond EOF or when the file is
        /// out of blocks (-ENOMEM → VM_FAULT_OOM would kill; tmpfs gives SIGBUS).
        /// </summary>
        [MightSleep]
        public static VmFault Fault(Vma vma, ulong address, bool write)
        {
            var file = (vma ?? throw new ArgumentNullException(nameof(vma))).File ?? throw new ArgumentException("The VMA maps no file.", nameof(vma));
            long index = vma.PageIndex(address);
            if (index >= file.SizePages)
            {
                return VmFault.SigBus;
            }

            if (!write && MapPages(vma, address, index - (FaultAroundPages / 2), index + (FaultAroundPages / 2) - 1) == VmFault.NoPage)
            {
                return VmFault.None; // fault-around mapped the faulting page
            }

            // The folio is mapped locked (shmem_get_folio returns it so): a folio another thread is still adding or
            // taking out (UFFDIO_COPY holds it locked from the insert to the install) is waited for, then re-checked.
            var folio = file.Get(index);
            bool fresh = folio is null;
            if (folio is null)
            {
                if (file.AcctBlocks(1) < 0)
                {
                    return VmFault.SigBus;
                }

                folio = Folio.Alloc(); // our allocation reference goes to the PTE below, the cache takes its own
            }

            folio.Lock(); // a new folio is added locked, as shmem_alloc_and_add_folio does
            if (fresh && file.AddToPageCache(index, folio) < 0)
            {
                folio.Unlock();
                folio.Put();
                file.UnacctBlocks(1);
                return VmFault.None; // someone else added it first: the refault finds theirs
            }

            if (!fresh && !file.Caches(index, folio))
            {
                folio.Unlock();
                folio.Put();
                return VmFault.None; // taken out of the cache while we waited: the refault looks again
            }

            var pmd = vma.Mm.PmdAlloc(address);
            pmd.PteAlloc();
            var pte = pmd.MapLock(address);
            if (pte is null)
            {
                folio.Unlock();
                folio.Put();
                return VmFault.None; // the refault is the retry
            }

            bool mapped = pte.Read(address) is null;
            if (mapped)
            {
                folio.AddRmap();
                pte.Write(address, Pte.Make(folio, 0, vma.IsWritable));
            }

            pte.Unlock();
            folio.Unlock();
            if (!mapped)
            {
                folio.Put();
            }

            return VmFault.None;
        }
    }
}
