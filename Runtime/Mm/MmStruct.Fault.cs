using System;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    public sealed partial class MmStruct
    {
        /// <summary>
        /// Handles a page fault at <paramref name="address"/> (<c>handle_mm_fault</c>) for anonymous memory: installs a
        /// PTE table and a zeroed page where none is. The caller holds the mmap lock for read. Returns 0 when the access
        /// should simply be tried again: a page table that changed under the handler is not an error, the refault is the retry.
        /// </summary>
        [MightSleep]
        public VmFault HandleMmFault(Vma vma, ulong address, bool write)
        {
            if (vma is null)
            {
                throw new ArgumentNullException(nameof(vma));
            }

            if (vma.Mm != this || !vma.Contains(address))
            {
                return VmFault.SigSegv;
            }

            if (write ? !vma.IsWritable : (vma.Flags & VmFlags.Read) == 0)
            {
                return VmFault.SigSegv;
            }

            if ((vma.Flags & VmFlags.PfnMap) != 0)
            {
                return VmFault.SigBus; // a driver's frames: nothing to fault in
            }

            if (vma.File != null)
            {
                return Filemap.Fault(vma, address, write); // fault-around, then the single page
            }

            var pmd = PmdAlloc(address);
            var pmdval = pmd.GetLockless();
            switch (pmdval.Kind)
            {
                case PmdKind.None:
                    InstallTable(pmd);
                    break;
                case PmdKind.Huge:
                    return VmFault.None;
                case PmdKind.Migration:
                    WaitForMigration(pmd, pmdval);
                    return VmFault.None;
                case PmdKind.Bad:
                    return VmFault.SigBus;
            }

            // Allocate before taking the spinning PTL: allocation may sleep.
            var folio = Folio.Alloc();
            var pte = pmd.MapLock(address);
            if (pte is null)
            {
                folio.Put();
                return VmFault.None;
            }

            if (pte.Read(address) is null)
            {
                folio.AddMappings(1);
                pte.Write(address, Pte.Make(folio, 0, vma.IsWritable));
                pte.Unlock();
                return VmFault.None;
            }

            pte.Unlock();
            folio.Put();
            return VmFault.None;
        }

        /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="address"/>, faulting pages in; 0 or -EFAULT.</summary>
        [MightSleep]
        [ReturnsErrno]
        public int Read(ulong address, Span<byte> destination)
        {
            var buffer = new Access(destination, default, write: false);
            return AccessRange(address, destination.Length, ref buffer);
        }

        /// <summary>Copies <paramref name="source"/> to <paramref name="address"/>, faulting pages in; 0 or -EFAULT.</summary>
        [MightSleep]
        [ReturnsErrno]
        public int Write(ulong address, ReadOnlySpan<byte> source)
        {
            var buffer = new Access(default, source, write: true);
            return AccessRange(address, source.Length, ref buffer);
        }

        private int AccessRange(ulong address, int length, ref Access access)
        {
            if (address >= PageGeometry.TaskSize || (ulong)length > PageGeometry.TaskSize - address)
            {
                return -Errno.EFAULT;
            }

            MmapLock.DownRead();
            try
            {
                int done = 0;
                while (done < length)
                {
                    ulong at = address + (ulong)done;
                    int chunk = (int)Math.Min((ulong)(length - done), PageGeometry.PageSize - (at & (PageGeometry.PageSize - 1)));
                    var vma = FindVma(at);
                    if (vma is null)
                    {
                        return -Errno.EFAULT;
                    }

                    while (!TryCopyPage(vma, at, done, chunk, ref access))
                    {
                        var fault = HandleMmFault(vma, at, access.IsWrite);
                        if ((fault & (VmFault.SigSegv | VmFault.SigBus | VmFault.Oom)) != 0)
                        {
                            return -Errno.EFAULT;
                        }
                    }

                    done += chunk;
                }

                return 0;
            }
            finally
            {
                MmapLock.UpRead();
            }
        }

        /// <summary>Copies one chunk under the lock that guards its mapping; false when the page must be faulted in.</summary>
        private static bool TryCopyPage(Vma vma, ulong address, int offset, int length, ref Access access)
        {
            var pmd = vma.Mm.PmdOffset(address);
            if (pmd is null)
            {
                return false;
            }

            int inPage = (int)(address & (PageGeometry.PageSize - 1));
            if (pmd.GetLockless().IsHuge)
            {
                var ptl = pmd.TransHugeLock(vma);
                if (ptl is null)
                {
                    return false;
                }

                var folio = pmd.GetLockless().Folio!;
                access.Copy(folio, (int)((address - pmd.Address) >> PageGeometry.PageShift), inPage, offset, length);
                ptl.Unlock();
                return true;
            }

            var pte = pmd.MapLock(address);
            if (pte is null)
            {
                return false;
            }

            var entry = pte.Read(address);
            if (entry is null || entry.Special || (access.IsWrite && !entry.Writable))
            {
                pte.Unlock();
                return false;
            }

            access.Copy(entry.Folio, entry.Page, inPage, offset, length);
            if (access.IsWrite)
            {
                pte.Write(address, entry.MakeDirty());
            }

            pte.Unlock();
            return true;
        }

        internal static void WaitForMigration(Pmd pmd, PmdValue migration)
        {
            // pmd_migration_entry_wait: the migrating thread replaces the entry soon; wait for it, then refault.
            var spinner = new SpinWait();
            while (pmd.Same(migration))
            {
                spinner.SpinOnce();
            }
        }

        private readonly ref struct Access
        {
            private readonly Span<byte> destination;
            private readonly ReadOnlySpan<byte> source;

            public Access(Span<byte> destination, ReadOnlySpan<byte> source, bool write)
            {
                this.destination = destination;
                this.source = source;
                IsWrite = write;
            }

            public bool IsWrite { get; }

            public void Copy(Folio folio, int page, int inPage, int offset, int length)
            {
                if (IsWrite)
                {
                    folio.Write(page, inPage, source.Slice(offset, length));
                }
                else
                {
                    folio.Read(page, inPage, destination.Slice(offset, length));
                }
            }
        }
    }
}
