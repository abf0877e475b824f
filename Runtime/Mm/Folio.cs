using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A folio (<c>struct folio</c>): 2^order pages of real bytes with a reference count, a map count and a sleeping
    /// lock (PG_locked). Every mapping (a PTE or a huge PMD) holds one reference and one map count.
    /// </summary>
    [LockClass(LockClass.FolioLockName)]
    public sealed class Folio
    {
        private readonly byte[] data;
        private readonly KernelMutex lockBit;
        private int refCount = 1;
        private int mapCount;

        private static long live;

        private Folio(int order)
        {
            Interlocked.Increment(ref live);
            Order = order;
            data = new byte[(int)PageGeometry.PageSize << order];
            lockBit = new KernelMutex(LockClass.FolioLock, ownerUnlocks: false);
        }

        /// <summary>
        /// The reverse-map root of an anonymous folio (<c>folio->mapping</c>): the anon_vma of the VMA that maps it.
        /// UFFDIO_MOVE moves it with the folio (<c>folio_move_anon_rmap</c>).
        /// </summary>
        /// <remarks>Read without the lock, as rmap walkers read <c>folio->mapping</c>; changed only under the folio lock.</remarks>
        public AnonVma? AnonVma { get; [MustHold("this")] private set; }

        /// <summary>Whether the folio's bytes are valid (<c>folio_test_uptodate</c>): fault-around maps only uptodate folios.</summary>
        public bool IsUptodate { get; internal set; } = true;

        /// <summary>log2 of the number of pages.</summary>
        public int Order { get; }

        /// <summary>Pages in the folio.</summary>
        public int PageCount => 1 << Order;

        /// <summary>References held (<c>folio_ref_count</c>).</summary>
        public int RefCount => Volatile.Read(ref refCount);

        /// <summary>Mappings by page tables (<c>folio_mapcount</c>).</summary>
        public int MapCount => Volatile.Read(ref mapCount);

        /// <summary>True once the last reference is gone.</summary>
        public bool IsFreed => RefCount == 0;

        /// <summary>True when locked.</summary>
        public bool IsLocked => lockBit.IsLocked;

        /// <summary>The lock itself, for lockdep queries.</summary>
        public KernelLock LockInstance => lockBit;

        /// <summary>Allocates a zeroed folio with one reference (<c>folio_alloc</c>); may sleep.</summary>
        [MightSleep]
        [return: Charges(ChargedResource.FolioReference, Undo = nameof(Put))]
        public static Folio Alloc(int order = 0)
        {
            if (order < 0 || order > PageGeometry.HugePageOrder)
            {
                throw new ArgumentOutOfRangeException(nameof(order), order, $"Folio orders run from 0 to {PageGeometry.HugePageOrder}.");
            }

            return new Folio(order);
        }

        /// <summary>Takes a reference (<c>folio_get</c>).</summary>
        [Charges(ChargedResource.FolioReference, Undo = nameof(Put))]
        public void Get()
        {
            int seen;
            do
            {
                seen = Volatile.Read(ref refCount);
                if (seen <= 0)
                {
                    throw new MmStateException("folio_get on a freed folio.");
                }
            }
            while (Interlocked.CompareExchange(ref refCount, seen + 1, seen) != seen);
        }

        /// <summary>Drops a reference (<c>folio_put</c>); the last one frees the folio.</summary>
        [Uncharges(ChargedResource.FolioReference)]
        public void Put()
        {
            int left = Interlocked.Decrement(ref refCount);
            if (left < 0)
            {
                Interlocked.Increment(ref refCount);
                throw new MmStateException("folio_put on a freed folio: reference count underflow.");
            }

            if (left == 0)
            {
                Interlocked.Decrement(ref live);
            }
        }

        /// <summary>What a special PTE points at: no folio. Never freed, never read or written through.</summary>
        internal static readonly Folio NoPage = new Folio(0) { refCount = int.MaxValue / 2 };

        private int pinCount;

        /// <summary>Whether a GUP pin may hold the folio (<c>folio_maybe_dma_pinned</c>): zap keeps it alive, migration refuses it.</summary>
        public bool IsMaybeDmaPinned => Volatile.Read(ref pinCount) > 0;

        /// <summary>The pins held (FOLL_PIN references).</summary>
        public int PinCount => Volatile.Read(ref pinCount);

        /// <summary>Takes a pin: a reference counted apart (<c>try_grab_folio(FOLL_PIN)</c>).</summary>
        internal void Pin()
        {
            Get();
            Interlocked.Increment(ref pinCount);
        }

        /// <summary>Drops a pin (<c>unpin_user_page</c>).</summary>
        /// <exception cref="MmStateException">The folio is not pinned.</exception>
        public void Unpin()
        {
            if (Interlocked.Decrement(ref pinCount) < 0)
            {
                Interlocked.Increment(ref pinCount);
                throw new MmStateException("unpin_user_page on a folio that is not pinned.");
            }

            Put();
        }

        /// <summary>Folios allocated and not freed yet, process-wide: leak checks compare it before and after.</summary>
        internal static long Live => Volatile.Read(ref live);

        /// <summary>Takes the folio lock, sleeping (<c>folio_lock</c>).</summary>
        [Acquires]
        public void Lock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => lockBit.Lock(file, line);

        /// <summary>Takes the folio lock if free (<c>folio_trylock</c>).</summary>
        [TryAcquires]
        public bool TryLock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => lockBit.TryLock(file, line);

        /// <summary>Releases the folio lock (<c>folio_unlock</c>).</summary>
        [Releases]
        public void Unlock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => lockBit.Unlock(file, line);

        /// <summary>Copies bytes out of page <paramref name="page"/> starting at <paramref name="offset"/>.</summary>
        public void Read(int page, int offset, Span<byte> destination) => Slice(page, offset, destination.Length).CopyTo(destination);

        /// <summary>Copies bytes into page <paramref name="page"/> starting at <paramref name="offset"/>.</summary>
        /// <exception cref="MmStateException">The folio is freed.</exception>
        public void Write(int page, int offset, ReadOnlySpan<byte> source)
        {
            if (IsFreed)
            {
                throw new MmStateException("Write to a freed folio: the mapping that led here was stale.");
            }

            source.CopyTo(Slice(page, offset, source.Length));
        }

        /// <summary>Moves the folio's rmap to another anon_vma (<c>folio_move_anon_rmap</c>, which asserts the folio locked).</summary>
        [MustHold("this")]
        internal void MoveAnonRmap(AnonVma? anonVma)
        {
            Lockdep.AssertHeld(lockBit);
            AnonVma = anonVma;
        }

        /// <summary>Sets the rmap of a folio no other thread can reach yet (<c>__folio_set_anon</c> of a new folio).</summary>
        [ContextUnsafe("a new folio: no other thread can reach it before the PTE that maps it is written, so its lock guards nothing yet")]
        internal void SetNewAnonRmap(AnonVma? anonVma) => AnonVma = anonVma;

        internal void CopyPageTo(int page, Folio target, int targetPage) =>
            Slice(page, 0, (int)PageGeometry.PageSize).CopyTo(target.Slice(targetPage, 0, (int)PageGeometry.PageSize));

        /// <summary>
        /// Accounts one more page-table mapping of the folio (<c>folio_add_new_anon_rmap</c>); call it when a PTE you
        /// write maps it. The mapping owns the reference <see cref="Alloc"/> returned.
        /// </summary>
        public void AddRmap() => AddMappings(1);

        /// <summary>Accounts one mapping less (<c>folio_remove_rmap_pte</c>); the caller then drops the mapping's reference with <see cref="Put"/>.</summary>
        /// <exception cref="MmStateException">The folio is not mapped.</exception>
        public void RemoveRmap()
        {
            if (Interlocked.Decrement(ref mapCount) < 0)
            {
                Interlocked.Increment(ref mapCount);
                throw new MmStateException("folio_remove_rmap on a folio that is not mapped: map count underflow.");
            }
        }

        internal void AddMappings(int count) => Interlocked.Add(ref mapCount, count);

        internal void AddReferences(int count)
        {
            if (Interlocked.Add(ref refCount, count) == 0 && count < 0)
            {
                Interlocked.Decrement(ref live); // the last references went at once (a split folio's mappings)
            }
        }

        private Span<byte> Slice(int page, int offset, int length)
        {
            if ((uint)page >= (uint)PageCount)
            {
                throw new ArgumentOutOfRangeException(nameof(page), page, $"The folio has {PageCount} page(s).");
            }

            if (offset < 0 || length < 0 || (ulong)offset + (ulong)length > PageGeometry.PageSize)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "The range crosses the page boundary.");
            }

            return data.AsSpan((page << PageGeometry.PageShift) + offset, length);
        }
    }

    /// <summary>A page table entry value (<c>pte_t</c>): immutable, so a lockless read is never torn.</summary>
    public sealed class Pte
    {
        private Pte(Folio folio, int page, bool writable, bool dirty, bool special = false)
        {
            Folio = folio;
            Page = page;
            Writable = writable;
            Dirty = dirty;
            Special = special;
        }

        /// <summary>
        /// A special entry (<c>pte_special</c>): a PFN mapped by a driver (<see cref="VmFlags.PfnMap"/>), populated but
        /// with no folio behind it. <see cref="Folio"/> is then a placeholder that no reference count follows.
        /// </summary>
        public bool Special { get; }

        /// <summary>The page frame a special entry maps.</summary>
        public long Pfn => Special ? Page : -1;

        /// <summary>A special entry for page frame <paramref name="pfn"/> (<c>pte_mkspecial(pfn_pte(…))</c>).</summary>
        public static Pte MakeSpecial(int pfn, bool writable) => new Pte(Folio.NoPage, pfn, writable, dirty: false, special: true);

        /// <summary>The mapped folio.</summary>
        public Folio Folio { get; }

        /// <summary>Which page of the folio.</summary>
        public int Page { get; }

        /// <summary>Writes allowed.</summary>
        public bool Writable { get; }

        /// <summary>Written since mapped.</summary>
        public bool Dirty { get; }

        /// <summary>Makes an entry for page <paramref name="page"/> of <paramref name="folio"/> (<c>mk_pte</c>).</summary>
        public static Pte Make(Folio folio, int page, bool writable)
        {
            if (folio is null)
            {
                throw new ArgumentNullException(nameof(folio));
            }

            if ((uint)page >= (uint)folio.PageCount)
            {
                throw new ArgumentOutOfRangeException(nameof(page), page, $"The folio has {folio.PageCount} page(s).");
            }

            return new Pte(folio, page, writable, dirty: false);
        }

        /// <summary>The same entry marked dirty (<c>pte_mkdirty</c>).</summary>
        public Pte MakeDirty() => Dirty ? this : new Pte(Folio, Page, Writable, dirty: true);
    }
}
