namespace KernelDiscipline.Runtime
{
    public sealed partial class MmStruct
    {
        /// <summary>
        /// Splits the PTE-mapped large folio that maps <paramref name="address"/> into order-0 folios (<c>split_folio</c>,
        /// which UFFDIO_MOVE needs before it can move one page of it): the small folios are allocated first, outside
        /// the page table lock, then every entry of the table that maps a page of the large folio is replaced under
        /// the lock, the bytes copied there so no write is lost. Does nothing when the map fails or the page is small.
        /// </summary>
        [MightSleep]
        internal void SplitLargeFolio(Pmd pmd, ulong address)
        {
            Folio? large;
            using (var peek = pmd.Map(address))
            {
                large = peek?.Read(address)?.Folio;
            }

            if (large is null || large.Order == 0)
            {
                return;
            }

            var small = new Folio[large.PageCount];
            for (int i = 0; i < small.Length; i++)
            {
                small[i] = Folio.Alloc();
            }

            var used = new bool[small.Length];
            int replaced = 0;
            var pte = pmd.MapLock(address);
            if (pte != null)
            {
                for (int index = 0; index < PageGeometry.PtrsPerTable; index++)
                {
                    ulong at = pmd.Address + ((ulong)index << PageGeometry.PageShift);
                    var entry = pte.Read(at);
                    if (entry is null || entry.Folio != large || used[entry.Page])
                    {
                        continue;
                    }

                    var page = small[entry.Page];
                    large.CopyPageTo(entry.Page, page, 0);
                    page.SetNewAnonRmap(large.AnonVma);
                    page.AddRmap();
                    pte.Write(at, entry.Dirty ? Pte.Make(page, 0, entry.Writable).MakeDirty() : Pte.Make(page, 0, entry.Writable));
                    used[entry.Page] = true;
                    replaced++;
                }

                pte.Unlock();
            }

            // The entries replaced gave up their mapping and their reference of the large folio.
            large.AddMappings(-replaced);
            large.AddReferences(-replaced);
            for (int i = 0; i < small.Length; i++)
            {
                if (!used[i])
                {
                    small[i].Put();
                }
            }
        }

        /// <summary>
        /// Maps <paramref name="count"/> page frames from <paramref name="firstPfn"/> at <paramref name="address"/> in a
        /// <see cref="VmFlags.PfnMap"/> VMA with special entries (<c>remap_pfn_range</c>): populated, no folios. 0,
        /// -EINVAL for a VMA that is not PFN-mapped or a range outside it, -EAGAIN when a table changed (retry).
        /// </summary>
        [MightSleep]
        [ReturnsErrno]
        public int RemapPfnRange(ulong address, int count, int firstPfn)
        {
            MmapLock.DownRead();
            var vma = FindVma(address);
            MmapLock.UpRead();
            if (vma is null || (vma.Flags & VmFlags.PfnMap) == 0 || count <= 0 || !PageGeometry.IsAligned(address, PageGeometry.PageSize) ||
                address + ((ulong)count << PageGeometry.PageShift) > vma.End)
            {
                return -Errno.EINVAL;
            }

            for (int i = 0; i < count; i++)
            {
                ulong at = address + ((ulong)i << PageGeometry.PageShift);
                var pmd = PmdAlloc(at);
                pmd.PteAlloc();
                var pte = pmd.MapLock(at);
                if (pte is null)
                {
                    return -Errno.EAGAIN;
                }

                pte.Write(at, Pte.MakeSpecial(firstPfn + i, vma.IsWritable));
                pte.Unlock();
            }

            return 0;
        }
    }
}
