using System;

namespace KernelDiscipline.Runtime
{
    public sealed partial class Userfaultfd
    {
        /// <summary>
        /// <c>UFFDIO_COPY</c>: fills the missing pages of [<paramref name="dst"/>, +<paramref name="length"/>) with the
        /// bytes at <paramref name="src"/> (an address in this mm). Returns the bytes copied, or: -EINVAL (unaligned,
        /// empty, overlapping), -ENOENT (the destination is not a registered anonymous range), -EEXIST (a destination
        /// page is already there, or its PMD is huge), -EFAULT (the source cannot be read), -ENOMEM, -EAGAIN.
        /// </summary>
        [MightSleep]
        [ReturnsErrno]
        public long Copy(ulong dst, ulong src, ulong length)
        {
            if (!ValidRange(dst, length) || !ValidRange(src, length) || (src < dst + length && dst < src + length))
            {
                return -Errno.EINVAL;
            }

            return MfillAtomic(dst, src, length, zero: false);
        }

        /// <summary><c>UFFDIO_ZEROPAGE</c>: fills the missing pages of the range with zeroed pages; errors as <see cref="Copy"/>.</summary>
        [MightSleep]
        [ReturnsErrno]
        public long ZeroPage(ulong dst, ulong length) =>
            ValidRange(dst, length) ? MfillAtomic(dst, 0, length, zero: true) : -Errno.EINVAL;

        /// <summary>
        /// <c>mfill_atomic</c>: per page, under the mmap lock for read. A source that cannot be read without faulting
        /// is the kernel's -ENOENT dance: the locks are dropped, the page is copied with faults allowed into the folio
        /// allocated for it, and the step is retried with that folio. A failed map (-EAGAIN) is retried here.
        /// </summary>
        [MightSleep]
        private long MfillAtomic(ulong dst, ulong src, ulong length, bool zero)
        {
            ulong copied = 0;
            Folio? filled = null; // the folio the -ENOENT dance filled, carried to the retry
            int err = 0;
            int retries = 0;
        retry:
            Mm.MmapLock.DownRead();
            var vma = AnonymousVma(dst, length) ?? ShmemVma(dst, length);
            if (vma is null || !IsRegistered(dst, length))
            {
                err = -Errno.ENOENT;
                goto out_unlock;
            }

            while (copied < length)
            {
                ulong dstAddr = dst + copied;
                var pmd = Mm.PmdAlloc(dstAddr);
                if (pmd.GetLockless().IsNone && pmd.PteAlloc() < 0)
                {
                    err = -Errno.ENOMEM;
                    break;
                }

                if (pmd.GetLockless().Kind != PmdKind.Table)
                {
                    err = -Errno.EEXIST; // huge, migrating or bad: nothing to fill at PTE level
                    break;
                }

                err = vma.File != null ? ShmemMfillPte(pmd, vma, dstAddr, src + copied, ref filled, zero)
                    : zero ? MfillZeroPte(pmd, vma, dstAddr)
                    : MfillCopyPte(pmd, vma, dstAddr, src + copied, ref filled);
                if (err == -Errno.ENOENT)
                {
                    // Copy with faults allowed: never under the mmap lock (the fault takes it).
                    Mm.MmapLock.UpRead();
                    Stats.Note(UffdRetry.SourceFaulted);
                    if (CopyWithFaults(filled!, src + copied) < 0)
                    {
                        err = -Errno.EFAULT;
                        goto out_;
                    }

                    AfterSourceFault?.Invoke(); // tests: what other threads may do while no lock is held
                    goto retry;
                }

                if (err == -Errno.EAGAIN && ++retries < MaxRetriesPerPage)
                {
                    Stats.Note(UffdRetry.MapFailed);
                    continue; // the page table changed under us: the same page again
                }

                if (err < 0)
                {
                    break;
                }

                retries = 0;
                copied += PageGeometry.PageSize;
            }

        out_unlock:
            Mm.MmapLock.UpRead();
        out_:
            filled?.Put();
            return copied > 0 ? (long)copied : err;
        }

        /// <summary>
        /// <c>mfill_atomic_pte_copy</c>: allocate and fill the folio outside the page table lock, then install it.
        /// -ENOENT hands the allocated folio back in <paramref name="filled"/> when the source needs a fault.
        /// </summary>
        [MightSleep]
        private int MfillCopyPte(Pmd pmd, Vma vma, ulong dstAddr, ulong srcAddr, ref Folio? filled)
        {
            var folio = filled;
            filled = null;
            if (folio is null)
            {
                folio = Folio.Alloc();
                if (!TryCopyWithoutFaults(folio, srcAddr))
                {
                    filled = folio; // copy_from_user with page faults disabled failed
                    return -Errno.ENOENT;
                }
            }

            int ret = MfillInstallPte(pmd, vma, dstAddr, folio);
            if (ret < 0)
            {
                folio.Put(); // the reference the mapping would have owned
            }

            return ret;
        }

        [MightSleep]
        private static int MfillZeroPte(Pmd pmd, Vma vma, ulong dstAddr)
        {
            var folio = Folio.Alloc(); // zeroed: this mm has no shared zero page to map
            int ret = MfillInstallPte(pmd, vma, dstAddr, folio);
            if (ret < 0)
            {
                folio.Put();
            }

            return ret;
        }

        /// <summary>
        /// <c>mfill_atomic_install_pte</c> after the review of seed 000: a failed map is -EAGAIN (the caller retries),
        /// a populated destination -EEXIST; on success the PTE owns the folio's reference.
        /// </summary>
        private static int MfillInstallPte(Pmd pmd, Vma vma, ulong dstAddr, Folio folio)
        {
            int ret = -Errno.EAGAIN;
            var pte = pmd.MapLock(dstAddr);
            if (pte is null)
            {
                goto out_;
            }

            ret = -Errno.EEXIST;
            if (pte.Read(dstAddr) is not null)
            {
                goto out_unlock;
            }

            if (vma.AnonVma != null)
            {
                folio.SetNewAnonRmap(vma.AnonVma); // folio_add_new_anon_rmap: ours alone until the PTE is written
            }

            folio.AddRmap();
            pte.Write(dstAddr, Pte.Make(folio, 0, vma.IsWritable).MakeDirty());
            ret = 0;
        out_unlock:
            pte.Unlock();
        out_:
            return ret;
        }

        /// <summary>
        /// <c>shmem_mfill_atomic_pte</c> with seed 001's review applied: blocks accounted on entry and given back on every
        /// error path (the caller may not retry); a folio inserted in the page cache is deleted again when the install
        /// fails; the page is dirtied when installed; and when accounting fails on the retry after -ENOENT (the file
        /// filled up while the locks were dropped) the folio carried from the first attempt is released here and the
        /// error returned — the kernel's old BUG_ON(page) for that case is not reachable.
        /// </summary>
        [MightSleep]
        private int ShmemMfillPte(Pmd pmd, Vma vma, ulong dstAddr, ulong srcAddr, ref Folio? filled, bool zero)
        {
            var inode = vma.File!;
            long index = vma.PageIndex(dstAddr);
            var folio = filled;
            filled = null;
            if (index >= inode.SizePages)
            {
                folio?.Put();
                return -Errno.EFAULT; // beyond EOF
            }

            int ret = inode.AcctBlocks(1);
            if (ret < 0)
            {
                folio?.Put();
                return ret;
            }

            if (folio is null)
            {
                folio = Folio.Alloc();
                if (!zero && !TryCopyWithoutFaults(folio, srcAddr))
                {
                    filled = folio; // not freed: the caller fills it with faults allowed and retries
                    inode.UnacctBlocks(1);
                    return -Errno.ENOENT;
                }
            }

            // Locked from before it enters the page cache until its PTE is written or it leaves the cache again (the
            // kernel's __folio_set_locked): a fault that finds it there meanwhile waits for it, fault-around skips it.
            // Unlocked, a fault could map it and make the install fail, which then took a mapped folio out of the cache.
            folio.Lock(); // new, so no one else holds it
            ret = inode.AddToPageCache(index, folio);
            if (ret < 0)
            {
                goto out_unlock;
            }

            AfterPageCacheAdd?.Invoke();
            ret = MfillInstallPte(pmd, vma, dstAddr, folio);
            if (ret < 0)
            {
                goto out_delete_from_cache;
            }

            folio.Unlock();
            return 0; // the PTE owns the allocation's reference, the page cache its own
        out_delete_from_cache:
            inode.DeleteFromPageCache(index, folio);
        out_unlock:
            folio.Unlock();
            folio.Put();
            inode.UnacctBlocks(1);
            return ret;
        }

        /// <summary>Tests only: runs after the -ENOENT dance copied the source and before the retry takes the locks.</summary>
        internal Action? AfterSourceFault { get; set; }

        /// <summary>Tests only: runs when a shmem folio has entered the page cache and before its PTE is installed.</summary>
        internal Action? AfterPageCacheAdd { get; set; }

        /// <summary>The one shared tmpfs VMA that holds all of the range, or null. The caller holds the mmap lock.</summary>
        [MustHold("Mm.MmapLock", Shared = true)]
        private Vma? ShmemVma(ulong start, ulong length)
        {
            var vma = Mm.FindVma(start);
            return vma?.File != null && start + length <= vma.End ? vma : null;
        }

        /// <summary>Reads the source page only if it is mapped now, under a lockless map (no fault, no sleep).</summary>
        private bool TryCopyWithoutFaults(Folio folio, ulong srcAddr)
        {
            var pmd = Mm.PmdOffset(srcAddr);
            if (pmd is null)
            {
                return false;
            }

            using var map = pmd.Map(srcAddr);
            var entry = map?.Read(srcAddr);
            if (entry is null)
            {
                return false;
            }

            entry.Folio.CopyPageTo(entry.Page, folio, 0);
            return true;
        }

        /// <summary>The -ENOENT dance's copy: with faults allowed (it may sleep, and takes the mmap lock itself).</summary>
        [MightSleep]
        [MustNotHold("Mm.MmapLock")] // mfill_atomic drops mmap_lock before copy_from_user: the fault takes it again
        private int CopyWithFaults(Folio folio, ulong srcAddr)
        {
            var page = new byte[PageGeometry.PageSize];
            int err = Mm.Read(srcAddr, page);
            if (err == 0)
            {
                folio.Write(0, 0, page);
            }

            return err;
        }
    }
}
