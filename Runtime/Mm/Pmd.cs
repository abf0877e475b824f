using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A PMD slot (<c>pmd_t *</c>): maps one 2 MiB range to nothing, a PTE table, a huge folio or a migration entry.
    /// The slot changes under concurrent collapse, retraction, split and migration, so every way of mapping its
    /// PTE table is fallible and returns <see langword="null"/> when there is no table to map.
    /// </summary>
    public sealed class Pmd
    {
        private readonly PmdTable owner;

        // Written under the PMD lock; read without it only through GetLockless (pmdp_get_lockless), the snapshot API.
        [GuardedBy(nameof(LockPointer))]
        private PmdValue value = PmdValue.None;

        internal Pmd(MmStruct mm, PmdTable owner, ulong address)
        {
            Mm = mm;
            this.owner = owner;
            Address = address;
        }

        /// <summary>The address space.</summary>
        public MmStruct Mm { get; }

        /// <summary>The first address of the 2 MiB range this slot maps.</summary>
        public ulong Address { get; }

        /// <summary>The PMD lock that guards this slot (<c>pmd_lockptr</c>), not taken.</summary>
        [LockClass(LockClass.PmdLockName)]
        public TicketLock LockPointer => owner.Lock;

        /// <summary>A snapshot of the entry without the lock (<c>pmdp_get_lockless</c>).</summary>
        [LocklessSnapshot]
        [ContextUnsafe("pmdp_get_lockless: a racy read, re-validated under the PMD lock or the PTL before use (Same/PmdSame/MapLock); PmdValue is immutable and published with Volatile.Write, so a read is never torn")]
        public PmdValue GetLockless() => Volatile.Read(ref value);

        /// <summary>Whether the entry still is <paramref name="snapshot"/> (<c>pmd_same</c>).</summary>
        [Revalidates]
        public bool Same(PmdValue snapshot) => ReferenceEquals(GetLockless(), snapshot);

        /// <summary>Takes the PMD lock and returns it (<c>pmd_lock</c>); this cannot fail.</summary>
        [Acquires(LockClass.PmdLockName, Target = LockTarget.ReturnValue, Returns = nameof(LockPointer))]
        public TicketLock Lock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            owner.Lock.Lock(file, line);
            return owner.Lock;
        }

        /// <summary>
        /// Maps the PTE table and takes its lock (<c>pte_offset_map_lock</c>). Returns <see langword="null"/> when
        /// the PMD is none, huge, a migration entry or bad, or the table was freed or replaced before the lock was
        /// taken; the PMD is re-validated under the lock, and a table swapped for another one is retried.
        /// The caller must check the result and retry or return <c>-EAGAIN</c>; release with <see cref="PteMap.Unlock"/>.
        /// </summary>
        [Revalidates] // the map is of the table there now, re-checked under the PTL
        [Fallible]
        [Acquires(LockClass.PtlName, Target = LockTarget.ReturnValue)]
        public PteMap? MapLock(ulong address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            int index = CheckAddress(address);
            while (true)
            {
                var snapshot = GetLockless();
                var table = snapshot.Table;
                if (table is null)
                {
                    return null;
                }

                int me = table.Ptl.LockUnderRcu(file, line, out var lockdep); // rcu_read_lock, then the PTL
                Lockdep.AssertHeld(table.Ptl); // taken just above, by a call the analysis does not follow
                if (Same(snapshot))
                {
                    return table.ArmLockedMap(this, snapshot, address, index, me, file, line);
                }

                // Collapsed, retracted or replaced between the lockless read and the lock: look again.
                table.Ptl.UnlockUnderRcu(me, lockdep, file, line);
            }
        }

        /// <summary>
        /// Maps the PTE table for lockless reading (<c>pte_offset_map</c>): null when there is no table. The map is an
        /// RCU read-side section (atomic context) until disposed; entries read through it may be stale.
        /// </summary>
        [Fallible]
        [Acquires(LockClass.RcuReadName, Target = LockTarget.ReturnValue)]
        public PteMap? Map(ulong address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            int index = CheckAddress(address);
            var snapshot = GetLockless();
            if (snapshot.Table is null)
            {
                return null;
            }

            RcuReadSide.Lock(file, line);
            return new PteMap(this, snapshot.Table, snapshot, address, index, PteMap.MapKind.Lockless, file, line);
        }

        /// <summary>
        /// Maps the PTE table and hands back its lock without taking it (<c>pte_offset_map_rw_nolock</c>): null when
        /// there is no table. Before writing, the caller locks <paramref name="ptl"/> and re-checks
        /// <see cref="PteMap.PmdSame"/> (or the PTE), since the table may have gone in between.
        /// </summary>
        [Fallible]
        [Acquires(LockClass.RcuReadName, Target = LockTarget.ReturnValue)]
        public PteMap? MapNoLock(ulong address, [LockClass(LockClass.PtlName)] out TicketLock? ptl,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            int index = CheckAddress(address);
            var snapshot = GetLockless();
            if (snapshot.Table is null)
            {
                ptl = null;
                return null;
            }

            RcuReadSide.Lock(file, line);
            ptl = snapshot.Table.Ptl;
            return new PteMap(this, snapshot.Table, snapshot, address, index, PteMap.MapKind.NoLock, file, line);
        }

        /// <summary>
        /// Takes the PMD lock if the PMD maps a huge folio and returns it held (<c>pmd_trans_huge_lock</c>); otherwise
        /// returns <see langword="null"/> with nothing held.
        /// </summary>
        [Fallible]
        [Acquires(LockClass.PmdLockName, Target = LockTarget.ReturnValue)]
        public TicketLock? TransHugeLock(Vma vma, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            if (vma is null)
            {
                throw new ArgumentNullException(nameof(vma));
            }

            if (vma.Mm != Mm || vma.Start > Address + PageGeometry.PmdSize - 1 || vma.End <= Address)
            {
                throw new ArgumentException($"The VMA [0x{vma.Start:x}, 0x{vma.End:x}) does not cover this PMD at 0x{Address:x}.", nameof(vma));
            }

            owner.Lock.Lock(file, line);
            if (GetLockless().IsHuge)
            {
                return owner.Lock;
            }

            owner.Lock.Unlock(file, line);
            return null;
        }

        /// <summary>
        /// Makes sure a PTE table is there to map (<c>pte_alloc</c>): installs an empty one when the PMD is none.
        /// Returns 0 also when the PMD is huge or migrating; the map that follows then fails and the caller retries.
        /// </summary>
        [ReturnsErrno]
        public int PteAlloc()
        {
            if (GetLockless().IsNone)
            {
                MmStruct.InstallTable(this);
            }

            return 0;
        }

        /// <summary>Installs a value; the caller holds the PMD lock.</summary>
        [MustHold(nameof(LockPointer))]
        internal void Set(PmdValue newValue)
        {
            if (!owner.Lock.IsHeldByCurrentThread)
            {
                throw new LockStateException($"PMD at 0x{Address:x} written without its PMD lock.");
            }

            Volatile.Write(ref value, newValue);
        }

        private int CheckAddress(ulong address)
        {
            if (address - Address >= PageGeometry.PmdSize)
            {
                throw new ArgumentOutOfRangeException(nameof(address),
                    $"0x{address:x} is outside this PMD's range [0x{Address:x}, 0x{Address + PageGeometry.PmdSize:x}).");
            }

            return PageGeometry.PteIndex(address);
        }
    }
}
