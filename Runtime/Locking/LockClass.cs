using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// A lock class: every lock instance belongs to one, and ordering is validated between classes, not instances
    /// (as lockdep does). Classes come from <see cref="LockClassDeclarationAttribute"/> declarations.
    /// </summary>
    public sealed class LockClass
    {
        /// <summary><c>i_rwsem</c>: the inode's rw semaphore.</summary>
        public const string IRwsemName = "i_rwsem";
        /// <summary><c>mmap_lock</c>: the address space's rw semaphore.</summary>
        public const string MmapLockName = "mmap_lock";
        /// <summary><c>invalidate_lock</c>: the mapping's invalidation rw semaphore.</summary>
        public const string InvalidateLockName = "invalidate_lock";
        /// <summary><c>folio_lock</c>: PG_locked.</summary>
        public const string FolioLockName = "folio_lock";
        /// <summary><c>vma_lock</c>: the per-VMA lock.</summary>
        public const string VmaLockName = "vma_lock";
        /// <summary><c>i_mmap_rwsem</c>: the file's reverse-map tree lock.</summary>
        public const string IMmapRwsemName = "i_mmap_rwsem";
        /// <summary><c>anon_vma_rwsem</c>: the anon_vma's rw semaphore.</summary>
        public const string AnonVmaRwsemName = "anon_vma_rwsem";
        /// <summary><c>pmd_lock</c>: the split PMD-table lock.</summary>
        public const string PmdLockName = "pmd_lock";
        /// <summary><c>ptl</c>: the split PTE-table lock.</summary>
        public const string PtlName = "ptl";
        /// <summary><c>page_table_lock</c>: the mm-wide page table lock.</summary>
        public const string PageTableLockName = "page_table_lock";
        /// <summary><c>swap_lock</c>.</summary>
        public const string SwapLockName = "swap_lock";
        /// <summary><c>i_pages</c>: the page cache xarray lock.</summary>
        public const string IPagesName = "i_pages";
        /// <summary><c>lru_lock</c>.</summary>
        public const string LruLockName = "lru_lock";
        /// <summary><c>rcu_read</c>: the RCU read side held by a live lockless map.</summary>
        public const string RcuReadName = "rcu_read";

        private static readonly object RegistryGate = new object();

        // Copied on write under the gate; readers take the published copy through Published(), without the gate.
        [GuardedBy(nameof(RegistryGate))]
        private static Dictionary<string, LockClass> registry = new Dictionary<string, LockClass>(StringComparer.Ordinal);

        [GuardedBy(nameof(RegistryGate))]
        private static int nextId;

        private LockClass(string name, LockKind kind, int rank, int id)
        {
            Name = name;
            Kind = kind;
            Rank = rank;
            Id = id;
        }

        static LockClass() => Register(typeof(LockClass).Assembly);

        /// <summary>The class name.</summary>
        public string Name { get; }

        /// <summary>Sleeping or spinning.</summary>
        public LockKind Kind { get; }

        /// <summary>Position in the declared order (lower is outer); 0 when unordered.</summary>
        public int Rank { get; }

        /// <summary>A small dense number, used as the graph key.</summary>
        internal int Id { get; }

        /// <summary>Where lockdep first saw this class acquired (null until then); set once.</summary>
        internal LockSiteBox? FirstAcquisition;

        /// <summary>
        /// The lockdep epoch in which the chain "this class alone, inside an RCU read-side section" was validated (0:
        /// not yet): a map's PTL is taken that way every time, and then needs no chain hash.
        /// </summary>
        internal int ValidatedAloneUnderRcu;

        /// <summary>lock_stat counters, created when statistics are on.</summary>
        internal LockStatCounters? Statistics;

        /// <summary>Whether this class has a place in the declared order.</summary>
        public bool IsOrdered => Rank != 0;

        /// <summary>The <c>mmap_lock</c> class.</summary>
        public static LockClass MmapLock => Get(MmapLockName);
        /// <summary>The <c>ptl</c> class.</summary>
        public static LockClass Ptl => Get(PtlName);
        /// <summary>The <c>pmd_lock</c> class.</summary>
        public static LockClass PmdLock => Get(PmdLockName);
        /// <summary>The <c>page_table_lock</c> class.</summary>
        public static LockClass PageTableLock => Get(PageTableLockName);
        /// <summary>The <c>folio_lock</c> class.</summary>
        public static LockClass FolioLock => Get(FolioLockName);
        /// <summary>The <c>rcu_read</c> class.</summary>
        public static LockClass RcuRead => Get(RcuReadName);

        /// <summary>Looks a declared class up by name.</summary>
        /// <exception cref="ArgumentException">No assembly registered so far declares <paramref name="name"/>.</exception>
        public static LockClass Get(string name)
        {
            if (Published().TryGetValue(name, out var found))
            {
                return found;
            }

            throw new ArgumentException(
                $"Lock class '{name}' is not declared. Declare it with [assembly: LockClassDeclaration(\"{name}\", ...)] " +
                "and call LockClass.Register(assembly), or use LockClass.Declare.", nameof(name));
        }

        /// <summary>Registers every <see cref="LockClassDeclarationAttribute"/> of <paramref name="assembly"/>.</summary>
        public static void Register(Assembly assembly)
        {
            if (assembly is null)
            {
                throw new ArgumentNullException(nameof(assembly));
            }

            foreach (var declaration in assembly.GetCustomAttributes<LockClassDeclarationAttribute>())
            {
                Declare(declaration.Name, declaration.Kind, declaration.Rank);
            }
        }

        /// <summary>
        /// Declares a class at run time (tests, dynamic lock sets). Declaring an existing name again with the same
        /// kind and rank returns the existing class; a conflicting declaration is an error.
        /// </summary>
        public static LockClass Declare(string name, LockKind kind, int rank)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A lock class needs a name.", nameof(name));
            }

            if (rank < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(rank), rank, "Ranks are positive; 0 means unordered.");
            }

            lock (RegistryGate)
            {
                if (registry.TryGetValue(name, out var existing))
                {
                    if (existing.Kind != kind || existing.Rank != rank)
                    {
                        throw new InvalidOperationException(
                            $"Lock class '{name}' is already declared as {existing.Kind} rank {existing.Rank}; " +
                            $"cannot redeclare it as {kind} rank {rank}.");
                    }

                    return existing;
                }

                var created = new LockClass(name, kind, rank, nextId++);
                // Copy-on-write: readers look up without taking the gate.
                var copy = new Dictionary<string, LockClass>(registry, StringComparer.Ordinal) { [name] = created };
                Volatile.Write(ref registry, copy);
                return created;
            }
        }

        /// <summary>Every class registered so far.</summary>
        public static IReadOnlyCollection<LockClass> All => Published().Values;

        /// <summary>The registry as last published (rcu_dereference): a whole dictionary that no one writes again.</summary>
        [ContextUnsafe("RCU-style read: the registry is copied on write under the gate and published with Volatile.Write, so a reader sees one whole dictionary that is never changed")]
        private static Dictionary<string, LockClass> Published() => Volatile.Read(ref registry);

        /// <summary>True when the declared order says this class must be taken before <paramref name="inner"/>.</summary>
        public bool MustPrecede(LockClass inner) => IsOrdered && inner.IsOrdered && Rank < inner.Rank;

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
