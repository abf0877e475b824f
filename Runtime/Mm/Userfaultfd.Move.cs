namespace KernelDiscipline.Runtime
{
    public sealed partial class Userfaultfd
    {
        /// <summary>
        /// <c>UFFDIO_MOVE</c> (<c>move_pages</c>, seed 002): moves the pages of [<paramref name="src"/>, +length) to the
        /// registered range at <paramref name="dst"/> without copying, both anonymous private ranges of this mm.
        /// Returns the bytes moved, or: -EINVAL (unaligned, empty, overlapping, not anonymous private), -ENOENT (a
        /// missing VMA or registration, or a source hole without <see cref="UffdMoveMode.AllowSourceHoles"/>), -EEXIST (a
        /// destination page or huge PMD is there), -EBUSY (a source page is shared), -EAGAIN.
        /// </summary>
        [MightSleep]
        [ReturnsErrno]
        public long Move(ulong dst, ulong src, ulong length, UffdMoveMode mode = UffdMoveMode.None)
        {
            if (!ValidRange(dst, length) || !ValidRange(src, length) || (src < dst + length && dst < src + length))
            {
                return -Errno.EINVAL;
            }

            bool allowHoles = (mode & UffdMoveMode.AllowSourceHoles) != 0;
            ulong moved = 0;
            int err = 0;
            int retries = 0;
            Mm.MmapLock.DownRead();
            var dstVma = AnonymousVma(dst, length);
            var srcVma = AnonymousVma(src, length);
            if (Mm.FindVma(dst) is null || Mm.FindVma(src) is null || !IsRegistered(dst, length))
            {
                err = -Errno.ENOENT;
            }
            else if (dstVma is null || srcVma is null)
            {
                err = -Errno.EINVAL; // shared or file-backed, or the range spans VMAs
            }

            while (err == 0 && moved < length)
            {
                ulong dstAddr = dst + moved, srcAddr = src + moved;
                ulong step = PageGeometry.PageSize;
                err = MovePage(dstVma!, srcVma!, dstAddr, srcAddr, length - moved, allowHoles, ref step);
                if (err == -Errno.EAGAIN && ++retries < MaxRetriesPerPage)
                {
                    err = 0; // the kernel's `goto retry`: the same page again, its cause counted where it was found
                    continue;
                }

                if (err < 0)
                {
                    break;
                }

                retries = 0;
                moved += step;
            }

            Mm.MmapLock.UpRead();
            return moved > 0 ? (long)moved : err;
        }

        /// <summary>
        /// One step: the PMD-level decisions of move_pages, then move_pages_huge_pmd (a whole huge PMD, when the range
        /// covers it: <paramref name="step"/> becomes the PMD size) or move_pages_pte. 0 when moved or a hole skipped.
        /// </summary>
        [MightSleep]
        private int MovePage(Vma dstVma, Vma srcVma, ulong dstAddr, ulong srcAddr, ulong left, bool allowHoles, ref ulong step)
        {
            var srcPmd = Mm.PmdOffset(srcAddr);
            var srcPmdVal = srcPmd?.GetLockless();
            if (srcPmd is null || srcPmdVal is null || srcPmdVal.IsNone)
            {
                return allowHoles ? 0 : -Errno.ENOENT;
            }

            var dstPmd = Mm.PmdAlloc(dstAddr);
            var dstPmdVal = dstPmd.GetLockless();
            if (dstPmdVal.IsHuge)
            {
                return -Errno.EEXIST;
            }

            switch (srcPmdVal.Kind)
            {
                case PmdKind.Migration:
                    Stats.Note(UffdRetry.MigrationWait);
                    MmStruct.WaitForMigration(srcPmd, srcPmdVal);
                    return -Errno.EAGAIN;
                case PmdKind.Huge when dstPmdVal.IsNone && left >= PageGeometry.PmdSize &&
                    PageGeometry.IsAligned(srcAddr, PageGeometry.PmdSize) && PageGeometry.IsAligned(dstAddr, PageGeometry.PmdSize):
                    step = PageGeometry.PmdSize;
                    return MoveHugePmd(dstVma, srcVma, dstPmd, srcPmd, dstPmdVal, srcPmdVal);
                case PmdKind.Huge:
                    // A part of a huge PMD: split it, then move page by page.
                    Stats.Note(UffdRetry.HugeSplit);
                    Mm.SplitHugePmd(srcPmd);
                    return -Errno.EAGAIN;
                case PmdKind.Bad:
                    return -Errno.EFAULT;
            }

            if (dstPmdVal.IsNone && dstPmd.PteAlloc() < 0)
            {
                return -Errno.ENOMEM;
            }

            return MovePte(dstVma, srcVma, dstPmd, srcPmd, dstAddr, srcAddr, allowHoles);
        }

        /// <summary>
        /// <c>move_pages_huge_pmd</c>: the huge folio try-locked and its anon_vma try-locked (busy: wait asleep, retry),
        /// both PMD locks through <see cref="LockOrder.DoubleLock"/>, both PMD snapshots re-validated with
        /// <see cref="Pmd.Same"/>, and the entry moved whole with the folio's rmap following it.
        /// </summary>
        [MightSleep]
        private int MoveHugePmd(Vma dstVma, Vma srcVma, Pmd dstPmd, Pmd srcPmd, PmdValue dstPmdVal, PmdValue srcPmdVal)
        {
            var folio = srcPmdVal.Folio!;
            if (folio.MapCount > 1)
            {
                return -Errno.EBUSY;
            }

            if (!folio.TryLock())
            {
                Stats.Note(UffdRetry.FolioBusy);
                folio.Lock(); // no lock is held but the mmap lock: wait asleep, then the caller retries
                folio.Unlock();
                return -Errno.EAGAIN;
            }

            var anonVma = srcVma.AnonVma!;
            if (!anonVma.Rwsem.TryDownWrite())
            {
                folio.Unlock();
                Stats.Note(UffdRetry.AnonVmaBusy);
                anonVma.Rwsem.DownWrite();
                anonVma.Rwsem.UpWrite();
                return -Errno.EAGAIN;
            }

            int err = -Errno.EAGAIN;
            var dstPml = dstPmd.LockPointer;
            var srcPml = srcPmd.LockPointer;
            LockOrder.DoubleLock(dstPml, srcPml);
            if (!dstPmd.Same(dstPmdVal) || !srcPmd.Same(srcPmdVal))
            {
                Stats.Note(UffdRetry.ChangedUnderLock);
            }
            else
            {
                srcPmd.Set(PmdValue.None);
                folio.MoveAnonRmap(dstVma.AnonVma);
                dstPmd.Set(PmdValue.ForHuge(folio));
                Stats.Note(UffdRetry.HugeMoved);
                err = 0;
            }

            LockOrder.DoubleUnlock(dstPml, srcPml);
            anonVma.Rwsem.UpWrite();
            folio.Unlock();
            return err;
        }

        /// <summary>
        /// <c>move_pages_pte</c>: both tables mapped without their locks, the entries read under each PTL, the source
        /// folio try-locked and then its anon_vma try-locked (either busy: drop the maps, wait for it asleep, retry),
        /// then both PTLs through <see cref="LockOrder.DoubleLock"/>, both PMDs and both entries re-validated, and the
        /// entry moved with the folio's rmap following it. Lock order: folio lock, anon_vma, PTLs (mm/rmap.c).
        /// </summary>
        [MightSleep]
        private int MovePte(Vma dstVma, Vma srcVma, Pmd dstPmd, Pmd srcPmd, ulong dstAddr, ulong srcAddr, bool allowHoles)
        {
            int err;
        retry:
            var dstPte = dstPmd.MapNoLock(dstAddr, out var dstPtl);
            if (dstPte is null)
            {
                Stats.Note(UffdRetry.MapFailed);
                return -Errno.EAGAIN;
            }

            var srcPte = srcPmd.MapNoLock(srcAddr, out var srcPtl);
            if (srcPte is null)
            {
                dstPte.Dispose();
                Stats.Note(UffdRetry.MapFailed);
                return -Errno.EAGAIN;
            }

            // A table mapped without its lock may have been replaced or freed before the lock was taken: re-check the
            // PMD under the PTL before trusting an entry (pte_offset_map_rw_nolock's contract).
            dstPtl!.Lock();
            bool dstSame = dstPte.PmdSame();
            var origDst = dstSame ? dstPte.Read(dstAddr) : null;
            dstPtl.Unlock();
            if (!dstSame)
            {
                Stats.Note(UffdRetry.ChangedUnderLock);
                err = -Errno.EAGAIN;
                goto out_unmap;
            }

            if (origDst != null)
            {
                err = -Errno.EEXIST;
                goto out_unmap;
            }

            // The folio reference is taken under the PTL, while the entry keeps the folio alive (folio_get under
            // src_ptl): after the unlock a collapse or zap may drop the entry's own reference.
            srcPtl!.Lock();
            bool srcSame = srcPte.PmdSame();
            var origSrc = srcSame ? srcPte.Read(srcAddr) : null;
            origSrc?.Folio.Get();
            srcPtl.Unlock();
            if (!srcSame)
            {
                Stats.Note(UffdRetry.ChangedUnderLock);
                err = -Errno.EAGAIN;
                goto out_unmap;
            }

            if (origSrc is null)
            {
                err = allowHoles ? 0 : -Errno.ENOENT;
                goto out_unmap;
            }

            var folio = origSrc.Folio;
            if (folio.Order > 0)
            {
                // A page of a PTE-mapped large folio: split the folio first (split_folio can sleep), then retry.
                folio.Put();
                srcPte.Dispose();
                dstPte.Dispose();
                Stats.Note(UffdRetry.HugeSplit);
                Mm.SplitLargeFolio(srcPmd, srcAddr);
                return -Errno.EAGAIN;
            }

            if (folio.MapCount > 1)
            {
                folio.Put();
                err = -Errno.EBUSY; // shared with another mapping: not ours to move
                goto out_unmap;
            }

            if (!folio.TryLock())
            {
                srcPte.Dispose();
                dstPte.Dispose();
                Stats.Note(UffdRetry.FolioBusy);
                folio.Lock(); // no map is live now: wait for the holder asleep
                folio.Unlock();
                folio.Put();
                goto retry;
            }

            var anonVma = srcVma.AnonVma!;
            if (!anonVma.Rwsem.TryDownWrite())
            {
                srcPte.Dispose();
                dstPte.Dispose();
                folio.Unlock();
                folio.Put();
                Stats.Note(UffdRetry.AnonVmaBusy);
                anonVma.Rwsem.DownWrite(); // wait for the holder asleep, in order (no folio lock held)
                anonVma.Rwsem.UpWrite();
                goto retry;
            }

            LockOrder.DoubleLock(dstPtl, srcPtl);
            if (!dstPte.PmdSame() || !srcPte.PmdSame() || !dstPte.PteSame(dstAddr, origDst) || !srcPte.PteSame(srcAddr, origSrc))
            {
                Stats.Note(UffdRetry.ChangedUnderLock);
                err = -Errno.EAGAIN;
            }
            else if (folio.MapCount > 1)
            {
                err = -Errno.EBUSY;
            }
            else
            {
                srcPte.Write(srcAddr, null);
                folio.MoveAnonRmap(dstVma.AnonVma);
                dstPte.Write(dstAddr, Pte.Make(folio, origSrc.Page, dstVma.IsWritable).MakeDirty());
                err = 0;
            }

            LockOrder.DoubleUnlock(dstPtl, srcPtl);
            anonVma.Rwsem.UpWrite();
            folio.Unlock();
            folio.Put();
        out_unmap:
            srcPte.Dispose();
            dstPte.Dispose();
            return err;
        }
    }
}
