using System;
using System.Collections.Generic;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A tmpfs file (mm/shmem.c): a page cache of folios by page index under its <c>i_pages</c> lock, a size, and a
    /// block limit with per-file accounting (<c>shmem_inode_acct_block</c> / <c>shmem_inode_unacct_blocks</c>).
    /// Map it shared with <see cref="MmStruct.MmapShmem"/>; <see cref="Userfaultfd.Copy"/> fills its missing pages.
    /// </summary>
    public sealed class ShmemInode
    {
        [PtGuardedBy(nameof(IPages))]
        private readonly Dictionary<long, Folio> pages = new Dictionary<long, Folio>();

        [GuardedBy(nameof(IPages))]
        private long usedBlocks;

        /// <summary>A file of <paramref name="sizePages"/> pages whose blocks may not exceed <paramref name="maxBlocks"/>.</summary>
        public ShmemInode(long sizePages, long maxBlocks)
        {
            if (sizePages < 0 || maxBlocks < 0)
            {
                throw new ArgumentOutOfRangeException(sizePages < 0 ? nameof(sizePages) : nameof(maxBlocks), "Sizes are counts of pages.");
            }

            SizePages = sizePages;
            MaxBlocks = maxBlocks;
        }

        /// <summary>The page cache lock (<c>mapping->i_pages</c>), spinning.</summary>
        [LockClass(LockClass.IPagesName)]
        public TicketLock IPages { get; } = new TicketLock(LockClass.Get(LockClass.IPagesName));

        /// <summary>The file's size in pages: indices at or past it are beyond EOF.</summary>
        public long SizePages { get; private set; }

        /// <summary>The most blocks (pages) the file may account.</summary>
        public long MaxBlocks { get; }

        /// <summary>The blocks accounted now.</summary>
        public long UsedBlocks
        {
            get
            {
                IPages.Lock();
                long used = usedBlocks;
                IPages.Unlock();
                return used;
            }
        }

        /// <summary>How many folios the page cache holds.</summary>
        public int CachedPages
        {
            get
            {
                IPages.Lock();
                int count = pages.Count;
                IPages.Unlock();
                return count;
            }
        }

        /// <summary>The folio at <paramref name="index"/> with a reference for the caller, or null (<c>filemap_get_folio</c>).</summary>
        public Folio? Get(long index)
        {
            IPages.Lock();
            var folio = pages.TryGetValue(index, out var found) ? found : null;
            folio?.Get();
            IPages.Unlock();
            return folio;
        }

        /// <summary>
        /// Whether <paramref name="folio"/> is still the page cache's at <paramref name="index"/>: the kernel's
        /// <c>folio->mapping</c> check after <c>folio_lock</c>, for a folio looked up before it was locked.
        /// </summary>
        internal bool Caches(long index, Folio folio)
        {
            IPages.Lock();
            bool cached = pages.TryGetValue(index, out var found) && found == folio;
            IPages.Unlock();
            return cached;
        }

        /// <summary>Accounts <paramref name="count"/> blocks: 0, or -ENOMEM when the limit would be passed (<c>shmem_inode_acct_block</c>).</summary>
        [Charges(ChargedResource.ShmemBlocks, When = ChargeSuccess.ZeroResult, Undo = nameof(UnacctBlocks))]
        [ReturnsErrno]
        public int AcctBlocks(long count)
        {
            IPages.Lock();
            int result = usedBlocks + count > MaxBlocks ? -Errno.ENOMEM : 0;
            if (result == 0)
            {
                usedBlocks += count;
            }

            IPages.Unlock();
            return result;
        }

        /// <summary>Gives back <paramref name="count"/> accounted blocks (<c>shmem_inode_unacct_blocks</c>).</summary>
        /// <exception cref="MmStateException">More blocks than are accounted.</exception>
        [Uncharges(ChargedResource.ShmemBlocks)]
        public void UnacctBlocks(long count)
        {
            IPages.Lock();
            long accounted = usedBlocks; // for the message: read after the unlock it could be another thread's count
            bool underflow = count > accounted;
            if (!underflow)
            {
                usedBlocks -= count;
            }

            IPages.Unlock();
            if (underflow)
            {
                throw new MmStateException($"shmem_inode_unacct_blocks of {count} with {accounted} accounted.");
            }
        }

        /// <summary>Inserts a folio (<c>shmem_add_to_page_cache</c>): the cache takes a reference. 0, or -EEXIST.</summary>
        [Charges(ChargedResource.PageCache, When = ChargeSuccess.ZeroResult, Undo = nameof(DeleteFromPageCache))]
        [ReturnsErrno]
        public int AddToPageCache(long index, Folio folio)
        {
            IPages.Lock();
            int result = pages.ContainsKey(index) ? -Errno.EEXIST : 0;
            if (result == 0)
            {
                folio.Get();
                pages[index] = folio;
            }

            IPages.Unlock();
            return result;
        }

        /// <summary>Removes the folio at <paramref name="index"/> if it is <paramref name="folio"/> and drops the cache's reference (<c>filemap_remove_folio</c>).</summary>
        [Uncharges(ChargedResource.PageCache)]
        public void DeleteFromPageCache(long index, Folio folio)
        {
            IPages.Lock();
            bool removed = pages.TryGetValue(index, out var found) && found == folio && pages.Remove(index);
            IPages.Unlock();
            if (removed)
            {
                folio.Put();
            }
        }

        /// <summary>
        /// Truncates the file to <paramref name="sizePages"/> pages (<c>shmem_truncate_range</c>): the page cache's folios
        /// past the new end are dropped and their blocks unaccounted. Mapped PTEs are the caller's to zap first.
        /// </summary>
        public void Truncate(long sizePages)
        {
            var dropped = new List<Folio>();
            IPages.Lock();
            SizePages = Math.Max(0, sizePages);
            foreach (var index in new List<long>(pages.Keys))
            {
                if (index >= SizePages)
                {
                    dropped.Add(pages[index]);
                    pages.Remove(index);
                }
            }

            usedBlocks -= dropped.Count;
            IPages.Unlock();
            dropped.ForEach(folio => folio.Put());
        }
    }
}
