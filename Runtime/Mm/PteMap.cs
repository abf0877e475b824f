using System;
using System.Runtime.CompilerServices;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A mapped PTE table (<c>pte_t *</c> from <c>pte_offset_map*</c>). A map from <see cref="Pmd.MapLock"/> holds
    /// the table's lock and is released by <see cref="Unlock"/>; every map is released by <see cref="Dispose"/>, so
    /// <c>using</c> works for all kinds. Using a released map throws.
    /// </summary>
    public sealed class PteMap : IDisposable
    {
        private readonly Pmd pmd;
        private readonly PteTable table;
        private readonly MapKind kind;
        private readonly string file;
        private readonly int line;
        private bool released;

        internal PteMap(Pmd pmd, PteTable table, PmdValue snapshot, ulong address, int index, MapKind kind, string file, int line)
        {
            this.pmd = pmd;
            this.table = table;
            PmdValue = snapshot;
            Address = address;
            Index = index;
            this.kind = kind;
            this.file = file;
            this.line = line;
        }

        internal enum MapKind
        {
            Locked,
            Lockless,
            NoLock,
        }

        /// <summary>The address the map was made for.</summary>
        public ulong Address { get; }

        /// <summary>The PTE index of <see cref="Address"/>.</summary>
        public int Index { get; }

        /// <summary>The PMD value the map was made from (<c>pmdval</c>).</summary>
        public PmdValue PmdValue { get; }

        /// <summary>The PMD slot.</summary>
        public Pmd Pmd => pmd;

        /// <summary>The table's lock (<c>pte_lockptr</c>).</summary>
        [LockClass(LockClass.PtlName)]
        public TicketLock Ptl => table.Ptl;

        /// <summary>True until released.</summary>
        public bool IsLive => !released;

        /// <summary>True when the calling thread holds this table's lock.</summary>
        public bool IsLocked => !released && table.Ptl.IsHeldByCurrentThread;

        /// <summary>True while the table is still the one the PMD points at (it was not freed or replaced).</summary>
        public bool TableIsLive => !table.Freed && pmd.Same(PmdValue);

        /// <summary>Whether the PMD still holds the value this map was made from (<c>pmd_same</c>).</summary>
        [Revalidates]
        public bool PmdSame() => pmd.Same(PmdValue);

        /// <summary>Reads the entry for <paramref name="address"/> (<c>ptep_get</c>).</summary>
        public Pte? Read(ulong address) => table.Get(IndexOf(address));

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

            ThrowIfReleased();
            released = true;
            table.Ptl.Unlock(callerFile, callerLine);
            RcuReadSide.Unlock(callerFile, callerLine);
        }

        /// <summary>Releases whatever the map still holds (<c>pte_unmap</c>, or <c>pte_unmap_unlock</c> for a locked map); a second call does nothing.</summary>
        [Releases]
        public void Dispose()
        {
            if (released)
            {
                return;
            }

            released = true;
            if (kind == MapKind.Locked)
            {
                table.Ptl.Unlock(file, line);
            }

            RcuReadSide.Unlock(file, line);
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

        private void ThrowIfReleased()
        {
            if (released)
            {
                throw new MmStateException($"Use of a page table map after it was released (mapped at {System.IO.Path.GetFileName(file)}:{line}).");
            }
        }
    }
}
