using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>What a PMD entry holds.</summary>
    public enum PmdKind
    {
        /// <summary>Nothing (<c>pmd_none</c>).</summary>
        None,
        /// <summary>A PTE table (<c>pmd_present</c>, not huge).</summary>
        Table,
        /// <summary>A PMD-mapped huge folio (<c>pmd_trans_huge</c>).</summary>
        Huge,
        /// <summary>A migration entry for a huge folio (<c>is_pmd_migration_entry</c>).</summary>
        Migration,
        /// <summary>A corrupt entry (<c>pmd_bad</c>).</summary>
        Bad,
    }

    /// <summary>A PMD entry value (<c>pmd_t</c>): immutable; compare snapshots with <see cref="Pmd.Same"/>.</summary>
    public sealed class PmdValue
    {
        /// <summary>The empty entry.</summary>
        public static readonly PmdValue None = new PmdValue(PmdKind.None, null, null);

        /// <summary>A corrupt entry.</summary>
        public static readonly PmdValue Bad = new PmdValue(PmdKind.Bad, null, null);

        private PmdValue(PmdKind kind, PteTable? table, Folio? folio)
        {
            Kind = kind;
            Table = table;
            Folio = folio;
        }

        /// <summary>What the entry holds.</summary>
        public PmdKind Kind { get; }

        /// <summary>The huge or migrating folio, for <see cref="PmdKind.Huge"/> and <see cref="PmdKind.Migration"/>.</summary>
        public Folio? Folio { get; }

        internal PteTable? Table { get; }

        /// <summary><c>pmd_none</c>.</summary>
        public bool IsNone => Kind == PmdKind.None;

        /// <summary><c>pmd_trans_huge</c>.</summary>
        public bool IsHuge => Kind == PmdKind.Huge;

        internal static PmdValue ForTable(PteTable table) => new PmdValue(PmdKind.Table, table, null);

        internal static PmdValue ForHuge(Folio folio) => new PmdValue(PmdKind.Huge, null, folio);

        internal static PmdValue ForMigration(Folio folio) => new PmdValue(PmdKind.Migration, null, folio);

        /// <inheritdoc />
        public override string ToString() => Kind.ToString();
    }

    /// <summary>A PTE table: 512 entries and the split page-table lock that guards them.</summary>
    internal sealed class PteTable
    {
        [PtGuardedBy(nameof(Ptl))]
        private readonly Pte?[] entries = new Pte?[PageGeometry.PtrsPerTable];

        // Read without the lock on purpose (PteMap.TableIsLive): set once, under the PTL, and never cleared.
        private volatile bool freed;

        [GuardedBy(nameof(Ptl))]
        private PteMap? firstLockedMap;

        [GuardedBy(nameof(Ptl))]
        private PteMap? secondLockedMap;

        [GuardedBy(nameof(Ptl))]
        private bool armFirst;

        public PteTable(ulong baseAddress)
        {
            BaseAddress = baseAddress;
            Ptl = new TicketLock(LockClass.Ptl);
        }

        public ulong BaseAddress { get; }

        [LockClass(LockClass.PtlName)]
        public TicketLock Ptl { get; }

        /// <summary>Set once the table is unhooked from its PMD: no write may land here after that.</summary>
        public bool Freed => freed;

        /// <summary>An entry read under the PTL (<c>ptep_get</c> with the lock held).</summary>
        [MustHold(nameof(Ptl))]
        public Pte? Get(int index) => Volatile.Read(ref entries[index]);

        /// <summary>
        /// An entry read without the PTL (<c>ptep_get_lockless</c>): the snapshot API of the lockless maps. The entry may
        /// be stale at once; whoever acts on it re-checks it (or the PMD) under the PTL first.
        /// </summary>
        [ContextUnsafe("ptep_get_lockless: a racy read, re-validated under the PTL before use (PteSame/PmdSame); Pte values are immutable and published with Volatile.Write, so a read is never torn")]
        public Pte? GetLockless(int index) => Volatile.Read(ref entries[index]);

        [MustHold(nameof(Ptl))]
        public void Set(int index, Pte? value)
        {
            if (freed)
            {
                throw new MmStateException("Write to a freed page table: re-check the PMD (PmdSame) under the PTL before writing.");
            }

            Volatile.Write(ref entries[index], value);
        }

        /// <summary>Unhooked from its PMD: the PMD lock and this PTL are held (as the kernel frees a table under both).</summary>
        [MustHold(nameof(Ptl))]
        public void MarkFreed() => freed = true;

        /// <summary>
        /// The caller's locked map of this table, without allocating: one of two objects kept here, the one not armed
        /// last (see <see cref="PteMap"/>'s remarks). The caller holds <see cref="Ptl"/>, so no one else is arming.
        /// </summary>
        [MustHold(nameof(Ptl))]
        public PteMap ArmLockedMap(Pmd pmd, PmdValue snapshot, ulong address, int index, int ownerThread, string file, int line)
        {
            armFirst = !armFirst;
            var map = armFirst ? firstLockedMap : secondLockedMap;
            if (map is null || !map.CanRearm(pmd))
            {
                // First use, or the last map of this slot was never released (its lock dropped by hand): a new one.
                map = new PteMap(pmd, this, PteMap.MapKind.Locked);
                if (armFirst)
                {
                    firstLockedMap = map;
                }
                else
                {
                    secondLockedMap = map;
                }
            }

            map.Arm(snapshot, address, index, ownerThread, file, line);
            return map;
        }

        [MustHold(nameof(Ptl))]
        public int PresentCount()
        {
            int present = 0;
            for (int i = 0; i < entries.Length; i++)
            {
                if (Get(i) != null)
                {
                    present++;
                }
            }

            return present;
        }
    }

    /// <summary>A PMD table: 512 PMD slots and the split PMD lock that guards them.</summary>
    internal sealed class PmdTable
    {
        public PmdTable(MmStruct mm, ulong baseAddress)
        {
            Lock = new TicketLock(LockClass.PmdLock);
            Slots = new Pmd[PageGeometry.PtrsPerTable];
            for (int i = 0; i < Slots.Length; i++)
            {
                Slots[i] = new Pmd(mm, this, baseAddress + ((ulong)i << PageGeometry.PmdShift));
            }
        }

        [LockClass(LockClass.PmdLockName)]
        public TicketLock Lock { get; }

        public Pmd[] Slots { get; }
    }

    /// <summary>A PUD table: 512 pointers to PMD tables, allocated under <c>page_table_lock</c>.</summary>
    internal sealed class PudTable
    {
        public PmdTable?[] Entries { get; } = new PmdTable?[PageGeometry.PtrsPerTable];
    }
}
