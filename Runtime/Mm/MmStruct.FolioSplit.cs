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
                    page.AnonVma = large.AnonVma;
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
    }
}
