using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// The field or property is protected by a lock (the kernel's <c>__guarded_by</c>, Clang's GUARDED_BY): reading it
    /// needs the lock held (for read suffices), writing it (assignment, <c>++</c>, passing it by <c>ref</c>/<c>out</c>)
    /// needs it held exclusively. KD205 checks every access; constructors and finalizers are exempt.
    /// </summary>
    /// <remarks>
    /// The lock expression names, relative to the annotated member, a field or property of its type
    /// (<c>nameof(gate)</c>), a static member, or a dotted path from one (<c>"Mm.MmapLock"</c>); <c>"this"</c> when the
    /// owner is itself the lock (a [LockClass] type such as <see cref="Folio"/>, an object that is its own monitor).
    /// Identities are per instance: <c>other.value</c> needs <c>other.gate</c>.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
    public sealed class GuardedByAttribute : Attribute
    {
        /// <summary>Guards the member by the lock <paramref name="lockExpression"/> names.</summary>
        public GuardedByAttribute(string lockExpression) => LockExpression = lockExpression;

        /// <summary>The lock, as a member name or dotted path relative to the annotated member.</summary>
        public string LockExpression { get; }
    }

    /// <summary>
    /// What the reference-typed field or property refers to is protected by a lock (<c>__pt_guarded_by</c>,
    /// PT_GUARDED_BY): its elements and the members reached through it need the lock; the reference itself does not
    /// (<c>data.Length</c> is free, <c>data[i]</c> is not).
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
    public sealed class PtGuardedByAttribute : Attribute
    {
        /// <summary>Guards what the member refers to by the lock <paramref name="lockExpression"/> names.</summary>
        public PtGuardedByAttribute(string lockExpression) => LockExpression = lockExpression;

        /// <summary>The lock, as a member name or dotted path relative to the annotated member.</summary>
        public string LockExpression { get; }
    }

    /// <summary>
    /// Every caller holds these locks (<c>__must_hold</c>, REQUIRES): exclusively, or for read when <see cref="Shared"/>.
    /// The body is analysed with them held, and must still hold them when it returns unless it is [Releases]. KD206
    /// checks every call.
    /// </summary>
    /// <remarks>A lock expression names a parameter (<c>"mm"</c>), a member of the declaring type, a static member, or a dotted path from one (<c>"vma.Mm.MmapLock"</c>); <c>"this"</c> names the receiver itself (<c>folio.Lock()</c>'s lock).</remarks>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class MustHoldAttribute : Attribute
    {
        /// <summary>Requires the locks <paramref name="lockExpressions"/> name.</summary>
        public MustHoldAttribute(params string[] lockExpressions) => LockExpressions = lockExpressions;

        /// <summary>The locks, as parameter or member names or dotted paths from one.</summary>
        public string[] LockExpressions { get; }

        /// <summary>Held for read suffices (<c>__must_hold_shared</c>, REQUIRES_SHARED).</summary>
        public bool Shared { get; set; }
    }

    /// <summary>No caller may hold these locks (<c>__must_not_hold</c>, EXCLUDES): the method takes them itself. KD206 checks every call.</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class MustNotHoldAttribute : Attribute
    {
        /// <summary>Excludes the locks <paramref name="lockExpressions"/> name.</summary>
        public MustNotHoldAttribute(params string[] lockExpressions) => LockExpressions = lockExpressions;

        /// <summary>The locks, as parameter or member names or dotted paths from one.</summary>
        public string[] LockExpressions { get; }
    }

    /// <summary>
    /// The member is safe for reasons the lock analysis cannot see (the kernel's <c>context_unsafe()</c>, which wants a
    /// comment): its body is not checked for guarded data or lock contracts (KD205, KD206). The reason is required:
    /// an empty one is itself reported (KD207).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Constructor, AllowMultiple = false)]
    public sealed class ContextUnsafeAttribute : Attribute
    {
        /// <summary>Exempts the member, for <paramref name="reason"/>.</summary>
        public ContextUnsafeAttribute(string reason) => Reason = reason;

        /// <summary>Why the unchecked accesses are safe.</summary>
        public string Reason { get; }
    }
}
