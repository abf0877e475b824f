using System;
using System.Runtime.CompilerServices;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A mapped PTE table (<c>pte_t *</c> from <c>pte_offset_map*</c>). A map from <see cref="Pmd.MapLock"/> holds
    /// the table's lock and is released by <see cref="Unlock"/>; every map is released by <see cref="Dispose"/>, so
    /// <c>using</c> works for all kinds. Using a released map throws.
    /// </summary>
    /// <remarks>
    /// <see cref="Pmd.MapLock"/> allocates nothing in steady state: each table keeps two locked map objects and arms
    /// them in turn under its lock (only the lock holder can hold a locked map of the table). The map released last is
    /// never the one armed next, so using a map after mapping the table again still throws; one used from a thread
    /// that did not map it throws too. What is not caught is a map used after two more maps of its table on the
    /// thread that made it: it has been armed again by then.
    /// </remarks>
    public sealed class PteMap : IDisposable
    {
        private readonly Pmd pmd;
        private readonly PteTable table;
        private readonly MapKind kind;
        private string file = string.Empty;
        private int line;
        private int ownerThread;
        private bool released;

        /// <summary>A map armed at once (the lockless kinds: a new object per map).</summary>
        internal PteMap(Pmd pmd, PteTable table, PmdValue snapshot, ulong address, int index, MapKind kind, string file, int line)
            : this(pmd, table, kind)
        {
            Arm(snapshot, address, index, Environment.CurrentManagedThreadId, file, line);
        }

        /// <summary>A map object a table keeps for its locked maps, armed by <see cref="Arm"/> under the table's lock.</summary>
        internal PteMap(Pmd pmd, PteTable table, MapKind kind)
        {
            this.pmd = pmd;
            this.table = table;
            this.kind = kind;
            PmdValue = pmd.GetLockless(); // until armed
            released = true;
        }

        internal enum MapKind
        {
            Locked,
            Lockless,
            NoLock,
        }

        /// <summary>The address the map was made for.</summary>
        public ulong Address { get; private set; }

        /// <summary>The PTE index of <see cref="Address"/>.</summary>
        public int Index { get; private set; }

        /// <summary>The PMD value the map was made from (<c>pmdval</c>).</summary>
        public PmdValue PmdValue { get; private set; }

        /// <summary>The PMD slot.</summary>
        public Pmd Pmd => pmd;

        /// <summary>The table's lock (<c>pte_lockptr</c>).</summary>
        [LockClass(LockClass.PtlName)]
        public TicketLock Ptl => table.Ptl;

        /// <summary>True until released (for a locked map: on the thread that made it).</summary>
        public bool IsLive => !released && (kind != MapKind.Locked || ownerThread == Environment.CurrentManagedThreadId);

        /// <summary>True when the calling thread holds this table's lock.</summary>
        public bool IsLocked => IsLive && table.Ptl.IsHeldByCurrentThread;

        /// <summary>True while the table is still the one the PMD points at (it was not freed or replaced).</summary>
        public bool TableIsLive => !table.Freed && pmd.Same(PmdValue);

        /// <summary>Whether the PMD still holds the value this map was made from (<c>pmd_same</c>).</summary>
        [Revalidates]
        public bool PmdSame() => pmd.Same(PmdValue);

        /// <summary>Reads the entry for <paramref name="address"/> (<c>ptep_get</c>).</summary>
        /// <remarks>
        /// One read for every kind of map: under a locked map no writer can race it (the owner holds the PTL); under a
        /// lockless one it is a snapshot, which the caller re-checks under the PTL before acting on it.
        /// </remarks>
        public Pte? Read(ulong address) => table.GetLockless(IndexOf(address));

        /// <summary>Reads the entry for <see cref="Address"/>.</summary>
        public Pte? Read() => Read(Address);

        /// <summary>Whether the entry for <paramref name="address"/> still is <paramref name="expected"/> (<c>pte_same</c>).</summary>
        public bool PteSame(ulong address, Pte? expected) => ReferenceEquals(Read(address), expected);

        /// <summary>
        /// Writes the entry for <paramref name="address"/> (<c>set_pte_at</c>). The calling thread must hold the
        /// table's lock; a write into a table that was freed meanwhile throws instead of corrupting memory.
        /// </summary>
        /// <exception cref="MmStateException">The map was released, the lock is not held, or the table was freed.</exception>
        [WritesPageTable]
        public void Write(ulong address, Pte? entry)
        {
            int index = IndexOf(address);
            if (!table.Ptl.IsHeldByCurrentThread)
            {
                throw new MmStateException($"PTE write at 0x{address:x} without the page table lock: take the PTL (and re-check PmdSame) first.");
            }

            // Checked just above; this says so to the analysis, which cannot tie a MapNoLock caller's ptl to this table.
            Lockdep.AssertHeld(table.Ptl);
            table.Set(index, entry);
        }

        /// <summary>Releases the lock and the map of a <see cref="Pmd.MapLock"/> result (<c>pte_unmap_unlock</c>).</summary>
        /// <exception cref="MmStateException">Already released, or the map holds no lock.</exception>
        [Releases(LockClass.PtlName)]
        public void Unlock([CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
        {
            if (kind != MapKind.Locked)
            {
                throw new MmStateException("Unlock of a map that holds no lock: release a Map()/MapNoLock() result with Dispose (pte_unmap).");
            }

            var lockdep = Lockdep.Caller(out int me);
            ThrowIfReleased(me);
            released = true;
            table.Ptl.UnlockUnderRcu(me, lockdep, callerFile, callerLine);
        }

        /// <summary>Releases whatever the map still holds (<c>pte_unmap</c>, or <c>pte_unmap_unlock</c> for a locked map); a second call does nothing.</summary>
        [Releases]
        public void Dispose()
        {
            if (released)
            {
                return;
            }

            if (kind == MapKind.Locked)
            {
                // A locked map armed again for another thread is that thread's now: this was a second Dispose.
                var lockdep = Lockdep.Caller(out int me);
                if (ownerThread != me)
                {
                    return;
                }

                released = true;
                table.Ptl.UnlockUnderRcu(me, lockdep, file, line);
                return;
            }

            released = true;
            RcuReadSide.Unlock(file, line);
        }

        /// <summary>Whether <see cref="Pmd.MapLock"/> may arm this object again: released, and made for the same PMD.</summary>
        internal bool CanRearm(Pmd forPmd) => released && ReferenceEquals(pmd, forPmd);

        /// <summary>Makes the object the caller's map (a locked one under the table's lock, which the caller holds).</summary>
        internal void Arm(PmdValue snapshot, ulong address, int index, int owner, string mappedFile, int mappedLine)
        {
            // References written only when they change: a map made again at the same place pays no write barrier.
            if (!ReferenceEquals(PmdValue, snapshot))
            {
                PmdValue = snapshot;
            }

            if (!ReferenceEquals(file, mappedFile))
            {
                file = mappedFile;
            }

            Address = address;
            Index = index;
            line = mappedLine;
            ownerThread = owner;
            released = false;
        }

        private int IndexOf(ulong address)
        {
            ThrowIfReleased();
            if (address - pmd.Address >= PageGeometry.PmdSize)
            {
                throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x} is outside the mapped table's range starting at 0x{pmd.Address:x}.");
            }

            return PageGeometry.PteIndex(address);
        }

        private void ThrowIfReleased() => ThrowIfReleased(kind == MapKind.Locked ? Environment.CurrentManagedThreadId : 0);

        /// <summary>A released map, or a locked one used by another thread than <paramref name="me"/>, throws.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void ThrowIfReleased(int me)
        {
            if (released || (kind == MapKind.Locked && ownerThread != me))
            {
                ThrowReleasedOrNotOwner(me);
            }
        }

        // Out of line: the messages are built only when thrown, so the check above inlines into every unlock.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ThrowReleasedOrNotOwner(int me)
        {
            if (released)
            {
                throw new MmStateException($"Use of a page table map after it was released (mapped at {System.IO.Path.GetFileName(file)}:{line}).");
            }

            throw new MmStateException($"Use of a locked page table map on thread {me}; it was mapped at {System.IO.Path.GetFileName(file)}:{line} on thread {ownerThread} (a map released and made again there, or one passed between threads).");
        }
    }
}
