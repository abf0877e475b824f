namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The abstract value of an expression: which acquired resources it may be, its integer constant, and when it
    /// denotes a lock (or any object the engine names), that object's identity and lock class; for a try-lock's result,
    /// what succeeding acquires; for a scoped guard, the lock disposing it releases.
    /// </summary>
    internal readonly struct AbstractValue
    {
        public static readonly AbstractValue Empty = default;

        public AbstractValue(SiteSet resources, ConstValue constant, Capability? lockId = null, string? lockClass = null, TryLock? tryLock = null,
            bool guard = false, LockMode guardMode = LockMode.Exclusive, Microsoft.CodeAnalysis.ISymbol? via = null)
        {
            Via = via;
            Guard = guard;
            GuardMode = guardMode;
            Resources = resources;
            Constant = constant;
            Lock = lockId;
            LockClass = lockClass;
            TryLock = tryLock;
        }

        /// <summary>Bit i set: the value may be the result of acquisition site i.</summary>
        public SiteSet Resources { get; }

        public ConstValue Constant { get; }

        /// <summary>The object's identity (<c>mm.MmapLock</c>), when it has one.</summary>
        public Capability? Lock { get; }

        /// <summary>The lock's class, from [LockClass] on the member, parameter or type.</summary>
        public string? LockClass { get; }

        public TryLock? TryLock { get; }

        /// <summary>The local or parameter this value was read from (see <see cref="LockFact.Via"/>).</summary>
        public Microsoft.CodeAnalysis.ISymbol? Via { get; }

        /// <summary>A scoped guard: disposing it releases the lock <see cref="Lock"/> names, in <see cref="GuardMode"/>.</summary>
        public bool Guard { get; }

        public LockMode GuardMode { get; }

        /// <summary>Nothing known: the value of most operations (the engine does not store these).</summary>
        public bool IsEmpty => Resources.IsEmpty && !Constant.IsKnown && Lock is null && LockClass is null && TryLock is null && !Guard;

        public AbstractValue WithConstant(ConstValue constant) => new AbstractValue(Resources, constant, Lock, LockClass, TryLock, Guard, GuardMode, Via);

        public AbstractValue Join(AbstractValue other)
        {
            bool sameLock = Equals(Lock, other.Lock);
            return new AbstractValue(
                Resources.Union(other.Resources),
                Constant.Join(other.Constant),
                sameLock ? Lock : null,
                LockClass == other.LockClass ? LockClass : null,
                guard: Guard && other.Guard && sameLock && GuardMode == other.GuardMode,
                guardMode: GuardMode);
        }
    }
}
