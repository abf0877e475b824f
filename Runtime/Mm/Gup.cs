using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>FOLL_* flags of get_user_pages (mm/gup.c).</summary>
    [Flags]
    public enum GupFlags
    {
        /// <summary>Nothing asked for but the walk (and faulting in).</summary>
        None = 0,

        /// <summary>FOLL_WRITE: the pages will be written.</summary>
        Write = 0x1,

        /// <summary>FOLL_GET: take a reference on each page (needs a pages array).</summary>
        Get = 0x2,

        /// <summary>FOLL_PIN: take a pin on each page, for DMA (needs a pages array; not with Get).</summary>
        Pin = 0x4,

        /// <summary>FOLL_FORCE: ptrace-style access (accepted; the Runtime has no COW break to force).</summary>
        Force = 0x8,

        /// <summary>FOLL_TOUCH: mark the pages accessed (accepted).</summary>
        Touch = 0x10,

        /// <summary>FOLL_POPULATE / mlock: fault the range in, no pages wanted.</summary>
        Populate = 0x20,

        /// <summary>FOLL_NOWAIT: do not wait for a fault to finish (accepted; the Runtime's faults do not wait).</summary>
        NoWait = 0x40,

        /// <summary>FOLL_LONGTERM: a long-term pin (accepted; no movable zones here).</summary>
        Longterm = 0x80,
    }

    /// <summary>
    /// get_user_pages / pin_user_pages (mm/gup.c), the contract settled in seed 004: the walk follows each page with the
    /// PTE map lock (a failed map falls back to faulting, like the kernel), faults missing pages in through
    /// <see cref="MmStruct.HandleMmFault"/>, and treats a populated entry with no page behind it (a special PTE of a
    /// <see cref="VmFlags.PfnMap"/> VMA) as -EEXIST inside the walk: -EFAULT when pages were asked for, skipped when not.
    /// </summary>
    public static class Gup
    {
        /// <summary>
        /// <c>get_user_pages</c>: returns the pages done (partial progress when a VMA ends or a page fails after the
        /// first), or a negative errno: -EINVAL for bad arguments and for a flags/pages mismatch (with one warning),
        /// -EFAULT when the first page cannot be had.
        /// </summary>
        [MightSleep]
        [ReturnsErrno]
        public static long GetUserPages(MmStruct mm, ulong start, int nrPages, [FollFlags] GupFlags flags, [FollPages] Folio?[]? pages)
        {
            if (mm is null)
            {
                throw new ArgumentNullException(nameof(mm));
            }

            // The caller's contract (seed 004): FOLL_GET/FOLL_PIN want a pages array, and a pages array wants one of
            // them, never both. A caller bug: warn once and refuse, never crash.
            bool wantsPages = (flags & (GupFlags.Get | GupFlags.Pin)) != 0;
            if (Kernel.WarnOnOnce((flags & GupFlags.Get) != 0 && (flags & GupFlags.Pin) != 0) ||
                Kernel.WarnOnOnce(wantsPages != (pages != null)))
            {
                return -Errno.EINVAL;
            }

            if (nrPages <= 0 || !PageGeometry.IsAligned(start, PageGeometry.PageSize) || (pages != null && pages.Length < nrPages) ||
                start >= PageGeometry.TaskSize || (ulong)nrPages > (PageGeometry.TaskSize - start) >> PageGeometry.PageShift)
            {
                return -Errno.EINVAL;
            }

            long done = 0;
            int err = 0;
            mm.MmapLock.DownRead();
            for (int i = 0; i < nrPages; i++)
            {
                ulong address = start + ((ulong)i << PageGeometry.PageShift);
                err = GetPage(mm, address, flags, out var folio);
                if (err == -Errno.EEXIST)
                {
                    // A populated entry without a page: an error only for a caller that wanted the page.
                    if (pages != null)
                    {
                        err = -Errno.EFAULT;
                        break;
                    }

                    done++;
                    continue;
                }

                if (err < 0)
                {
                    break;
                }

                if (pages != null)
                {
                    pages[i] = folio;
                }

                done++;
            }

            mm.MmapLock.UpRead();
            return done > 0 ? done : err;
        }

        /// <summary><c>pin_user_pages</c>: <see cref="GetUserPages"/> with FOLL_PIN; FOLL_GET with it is -EINVAL.</summary>
        [MightSleep]
        [ReturnsErrno]
        public static long PinUserPages(MmStruct mm, ulong start, int nrPages, [FollFlags(Implied = GupFlags.Pin)] GupFlags flags,
            [FollPages, Charges(ChargedResource.GupPins, When = ChargeSuccess.PositiveResult)] Folio?[]? pages) =>
            GetUserPages(mm, start, nrPages, flags | GupFlags.Pin, pages);

        /// <summary><c>unpin_user_pages</c>: drops the pins of the first <paramref name="count"/> entries.</summary>
        public static void UnpinUserPages([Uncharges(ChargedResource.GupPins)] Folio?[] pages, int count)
        {
            if (pages is null)
            {
                throw new ArgumentNullException(nameof(pages));
            }

            for (int i = 0; i < count && i < pages.Length; i++)
            {
                pages[i]?.Unpin();
                pages[i] = null;
            }
        }

        /// <summary>One page: follow it, and fault it in when it is not there or the map failed (then follow again).</summary>
        [MightSleep]
        [MustHold("mm.MmapLock", Shared = true)]
        private static int GetPage(MmStruct mm, ulong address, GupFlags flags, out Folio? folio)
        {
            folio = null;
            var vma = mm.FindVma(address);
            if (vma is null)
            {
                return -Errno.EFAULT;
            }

            bool write = (flags & GupFlags.Write) != 0;
            if (write && !vma.IsWritable)
            {
                return -Errno.EFAULT; // no COW break to force in the Runtime
            }

            while (true)
            {
                int ret = FollowPage(mm, address, flags, out folio);
                if (ret != -Errno.ENOENT && ret != -Errno.EAGAIN)
                {
                    return ret;
                }

                // faultin_page: not there, or the table changed under the walk. The refault is the retry.
                var fault = mm.HandleMmFault(vma, address, write);
                if ((fault & (VmFault.SigBus | VmFault.SigSegv | VmFault.Oom)) != 0)
                {
                    return -Errno.EFAULT;
                }
            }
        }

        /// <summary>
        /// <c>follow_page_mask</c> → <c>follow_page_pte</c>: 0 with a reference or pin taken under the page table lock,
        /// -ENOENT (nothing mapped), -EAGAIN (the map failed: fall back to faulting), -EEXIST (a special entry).
        /// </summary>
        [MustHold("mm.MmapLock", Shared = true)]
        private static int FollowPage(MmStruct mm, ulong address, GupFlags flags, out Folio? folio)
        {
            folio = null;
            var pmd = mm.PmdOffset(address);
            var pmdval = pmd?.GetLockless();
            if (pmd is null || pmdval is null || pmdval.IsNone)
            {
                return -Errno.ENOENT;
            }

            if (pmdval.Kind == PmdKind.Migration)
            {
                MmStruct.WaitForMigration(pmd, pmdval);
                return -Errno.EAGAIN;
            }

            if (pmdval.IsHuge)
            {
                var ptl = pmd.TransHugeLock(mm.FindVma(address)!);
                if (ptl is null)
                {
                    return -Errno.EAGAIN;
                }

                folio = pmd.GetLockless().Folio!;
                Grab(folio, flags);
                ptl.Unlock();
                return 0;
            }

            var pte = pmd.MapLock(address);
            if (pte is null)
            {
                return -Errno.EAGAIN;
            }

            var entry = pte.Read(address);
            int ret = entry is null ? -Errno.ENOENT
                : entry.Special ? -Errno.EEXIST
                : (flags & GupFlags.Write) != 0 && !entry.Writable ? -Errno.ENOENT
                : 0;
            if (ret == 0)
            {
                folio = entry!.Folio;
                Grab(folio, flags);
            }

            pte.Unlock();
            return ret;
        }

        private static void Grab(Folio folio, GupFlags flags)
        {
            if ((flags & GupFlags.Pin) != 0)
            {
                folio.Pin();
            }
            else if ((flags & GupFlags.Get) != 0)
            {
                folio.Get();
            }
        }
    }
}
