using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>Whether a lock class sleeps while it waits (may not be taken in atomic context) or spins.</summary>
    public enum LockKind
    {
        /// <summary>Waiters sleep: rw semaphores, mutexes, the folio lock, the VMA lock.</summary>
        Sleeping,

        /// <summary>Waiters spin: holding one makes the context atomic (ptl, pmd lock, page_table_lock, RCU read side).</summary>
        Spinning,
    }

    /// <summary>What an <see cref="AcquiresAttribute"/> or <see cref="ReleasesAttribute"/> method acts on.</summary>
    public enum LockTarget
    {
        /// <summary>The receiver for a void method, the returned value otherwise.</summary>
        Default,

        /// <summary>The instance the method is called on.</summary>
        Receiver,

        /// <summary>The returned value (a lock handle or a map that holds a lock).</summary>
        ReturnValue,

        /// <summary>Every argument of a lock type (ordering helpers such as <c>double_pt_lock</c>).</summary>
        Arguments,

        /// <summary>
        /// A scoped guard: the receiver (for a constructor, its lock-typed arguments) is held until the returned (or
        /// constructed) guard is disposed — <c>using (x.LockScope()) { … }</c>, as Clang's scoped capabilities and
        /// <c>System.Threading.Lock.EnterScope</c>. The guard's <c>Dispose</c> carries <see cref="ReleasesAttribute"/>.
        /// </summary>
        Scope,
    }

    /// <summary>
    /// Declares a lock class, its kind and its place in the lock order. The Runtime declares the mm hierarchy with
    /// these; a consumer assembly may declare its own classes. Both the runtime validator (<see cref="Lockdep"/>) and
    /// the analyzers read these declarations, so the order has one source of truth.
    /// </summary>
    /// <remarks>A lower <see cref="Rank"/> is taken first (outer). Rank 0 means "not ordered" (the RCU read side).</remarks>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    public sealed class LockClassDeclarationAttribute : Attribute
    {
        /// <summary>Declares lock class <paramref name="name"/>.</summary>
        public LockClassDeclarationAttribute(string name, LockKind kind, int rank)
        {
            Name = name;
            Kind = kind;
            Rank = rank;
        }

        /// <summary>The class name, as the kernel spells it (<c>mmap_lock</c>, <c>ptl</c>).</summary>
        public string Name { get; }

        /// <summary>Sleeping or spinning.</summary>
        public LockKind Kind { get; }

        /// <summary>Position in the order: lower ranks are taken before higher ones; 0 is unordered.</summary>
        public int Rank { get; }
    }

    /// <summary>
    /// Names the lock class of a lock-typed field, property, parameter or return value, or of every instance of a
    /// type that is itself a lock (such as <see cref="Folio"/>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Parameter |
                    AttributeTargets.ReturnValue | AttributeTargets.Class | AttributeTargets.Struct,
        AllowMultiple = false)]
    public sealed class LockClassAttribute : Attribute
    {
        /// <summary>Marks the member as a lock of class <paramref name="name"/>.</summary>
        public LockClassAttribute(string name) => Name = name;

        /// <summary>The lock class name.</summary>
        public string Name { get; }
    }

    /// <summary>
    /// The method may fail and then returns <see langword="null"/>: every caller must check the result before using
    /// it, and on failure retry or return <c>-EAGAIN</c> (<c>pte_offset_map_lock</c> semantics).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class FallibleAttribute : Attribute
    {
    }

    /// <summary>
    /// The method acquires a lock (of <see cref="LockClass"/>, or of the target's declared class). On a constructor it
    /// makes the constructed object a scoped guard (<see cref="LockTarget.Scope"/>) of its lock-typed arguments.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = false)]
    public sealed class AcquiresAttribute : Attribute
    {
        /// <summary>Acquires the lock named by the target's <see cref="LockClassAttribute"/>.</summary>
        public AcquiresAttribute()
        {
        }

        /// <summary>Acquires a lock of class <paramref name="lockClass"/>.</summary>
        public AcquiresAttribute(string lockClass) => LockClass = lockClass;

        /// <summary>The class acquired, or null for the target's own class.</summary>
        public string? LockClass { get; }

        /// <summary>What is acquired: receiver, return value or arguments.</summary>
        public LockTarget Target { get; set; }

        /// <summary>Shared (read) acquisition of a read-write lock.</summary>
        public bool Shared { get; set; }

        /// <summary>
        /// Same-class nesting is made safe here: an ordering helper (<c>double_pt_lock</c>) or an explicit nesting
        /// annotation (<c>spin_lock_nested</c>).
        /// </summary>
        public bool Nested { get; set; }

        /// <summary>
        /// With <see cref="LockTarget.ReturnValue"/>: the lock returned is this one, named as a <c>[MustHold]</c> names a
        /// lock (a member of the method's type, <c>nameof(LockPointer)</c>; a parameter, or a path from one,
        /// <c>"pmd.LockPointer"</c>), as Clang's <c>RETURN_CAPABILITY</c> says. While the call's result is held, a
        /// <c>[MustHold]</c> or <c>[GuardedBy]</c> naming that lock is met, and releasing it by that name releases the result.
        /// </summary>
        public string? Returns { get; set; }
    }

    /// <summary>The method acquires a lock only when it returns <see cref="SuccessValue"/>.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class TryAcquiresAttribute : Attribute
    {
        /// <summary>Try-acquires the target's own class.</summary>
        public TryAcquiresAttribute()
        {
        }

        /// <summary>Try-acquires a lock of class <paramref name="lockClass"/>.</summary>
        public TryAcquiresAttribute(string lockClass) => LockClass = lockClass;

        /// <summary>The class acquired, or null for the target's own class.</summary>
        public string? LockClass { get; }

        /// <summary>The boolean result that means "acquired".</summary>
        public bool SuccessValue { get; set; } = true;

        /// <summary>Shared (read) acquisition of a read-write lock.</summary>
        public bool Shared { get; set; }
    }

    /// <summary>The method releases a lock (and, for a map, the map itself).</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class ReleasesAttribute : Attribute
    {
        /// <summary>Releases the target's own class.</summary>
        public ReleasesAttribute()
        {
        }

        /// <summary>Releases a lock of class <paramref name="lockClass"/>.</summary>
        public ReleasesAttribute(string lockClass) => LockClass = lockClass;

        /// <summary>The class released, or null for the target's own class.</summary>
        public string? LockClass { get; }

        /// <summary>What is released: receiver (default) or arguments.</summary>
        public LockTarget Target { get; set; }

        /// <summary>Shared (read) release of a read-write lock.</summary>
        public bool Shared { get; set; }
    }

    /// <summary>The method may sleep: it must not be called with a spinning lock held or a map live.</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = false)]
    public sealed class MightSleepAttribute : Attribute
    {
    }

    /// <summary>
    /// The FOLL_* flags parameter of a get_user_pages-style API (KD303): FOLL_GET or FOLL_PIN must come with a pages
    /// array and a pages array with one of them, never both. <see cref="Implied"/> names flags the method adds itself
    /// (pin_user_pages adds FOLL_PIN).
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false)]
    public sealed class FollFlagsAttribute : Attribute
    {
        /// <summary>Flags the method adds to the caller's (as a <see cref="GupFlags"/> value).</summary>
        public GupFlags Implied { get; set; }
    }

    /// <summary>The pages array parameter that goes with a <see cref="FollFlagsAttribute"/> parameter (KD303).</summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false)]
    public sealed class FollPagesAttribute : Attribute
    {
    }

    /// <summary>The result is a lockless snapshot of the receiver's entry (<c>pmdp_get_lockless</c>): KD305 follows it.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class LocklessSnapshotAttribute : Attribute
    {
    }

    /// <summary>Re-validates, under the lock held, what a lockless snapshot of the receiver's PMD decided (<c>pmd_same</c>; KD305).</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class RevalidatesAttribute : Attribute
    {
    }

    /// <summary>
    /// The result is a negative errno on failure (0 or a count on success): callers compare it with <c>-Errno.X</c>,
    /// and KD304 reports a comparison with a positive <see cref="Errno"/> constant.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class ReturnsErrnoAttribute : Attribute
    {
    }

    /// <summary>Writes the page table the receiver maps (a PTE store; KD305).</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class WritesPageTableAttribute : Attribute
    {
    }
    /// <summary>The resources the Runtime charges (<see cref="ChargesAttribute"/>): one name per kind of undo.</summary>
    public static class ChargedResource
    {
        /// <summary>A folio reference: <c>folio_alloc</c>/<c>folio_get</c>, undone by <c>folio_put</c>.</summary>
        public const string FolioReference = "folio reference";

        /// <summary>Blocks accounted to a shmem inode, undone by <c>shmem_inode_unacct_blocks</c>.</summary>
        public const string ShmemBlocks = "shmem blocks";

        /// <summary>A folio inserted in a file's page cache, undone by deleting it from the cache again.</summary>
        public const string PageCache = "page cache entry";

        /// <summary>GUP pins (FOLL_PIN) on the pages of an array, undone by <c>unpin_user_pages</c>.</summary>
        public const string GupPins = "GUP pins";
    }

    /// <summary>When a charging call has charged (<see cref="ChargesAttribute.When"/>).</summary>
    public enum ChargeSuccess
    {
        /// <summary>Every call that returns has charged.</summary>
        Always = 0,

        /// <summary>Charged when the call returns 0; a negative errno means nothing was charged.</summary>
        ZeroResult = 1,

        /// <summary>Charged when the call returns a positive count; 0 or a negative errno means nothing was charged.</summary>
        PositiveResult = 2,
    }

    /// <summary>
    /// The call takes something the caller must give back if it then fails (KD302): on the method, the receiver is
    /// charged (<c>inode.AcctBlocks(n)</c>, <c>folio.Get()</c>); on the return value, the returned object carries the
    /// charge (<c>Folio.Alloc()</c>); on a parameter, that argument does (the pages array of <c>PinUserPages</c>).
    /// A path that leaves the calling method with an error (a negative errno, an error <c>VmFault</c>, <c>false</c>,
    /// a throw) must have undone every charge taken in it; success paths may keep it (returned, stored, installed).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.ReturnValue | AttributeTargets.Parameter, AllowMultiple = false)]
    public sealed class ChargesAttribute : Attribute
    {
        /// <summary>Declares the charge.</summary>
        /// <param name="resource">What is charged: one of <see cref="ChargedResource"/>, or a name of the consumer's own.</param>
        public ChargesAttribute(string resource)
        {
            Resource = resource;
        }

        /// <summary>What is charged; an [Uncharges] of the same name undoes it.</summary>
        public string Resource { get; }

        /// <summary>Which results mean the charge was taken.</summary>
        public ChargeSuccess When { get; set; }

        /// <summary>
        /// The method of the charged object that undoes the charge when called with the same arguments
        /// (<c>AcctBlocks(n)</c> → <c>UnacctBlocks(n)</c>): the code fix inserts that call. Null: no fix.
        /// </summary>
        public string? Undo { get; set; }
    }

    /// <summary>Undoes a <see cref="ChargesAttribute"/> charge of the same resource: on the method, the receiver's; on a parameter, that argument's.</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Parameter, AllowMultiple = false)]
    public sealed class UnchargesAttribute : Attribute
    {
        /// <summary>Declares the undo.</summary>
        /// <param name="resource">The resource named by the matching [Charges].</param>
        public UnchargesAttribute(string resource)
        {
            Resource = resource;
        }

        /// <summary>What is given back.</summary>
        public string Resource { get; }
    }
}
