namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The abstract value of an expression: which acquired resources it may be, its integer constant, and when it
    /// denotes a lock (or any object the engine names), that object's identity and lock class; for a try-lock's result,
    /// what succeeding acquires; for a scoped guard, the lock disposing it releases; for a tuple, its elements' values.
    /// </summary>
    internal readonly struct AbstractValue
    {
        public static readonly AbstractValue Empty = default;

        /// <summary>Null on every path here.</summary>
        public static readonly AbstractValue Null = new AbstractValue(SiteSet.Empty, ConstValue.Unknown, knownNull: true);

        /// <summary>
        /// A try-lock (<see cref="Engine.TryLock"/>) or a tuple's elements (<see cref="AbstractValue"/>[]): never both, so
        /// they share one field (every value the engine stores carries it).
        /// </summary>
        private readonly object? detail;

        public AbstractValue(SiteSet resources, ConstValue constant, Capability? lockId = null, string? lockClass = null, TryLock? tryLock = null,
            bool guard = false, LockMode guardMode = LockMode.Exclusive, bool knownNull = false, Microsoft.CodeAnalysis.ISymbol? via = null)
            : this(resources, constant, lockId, lockClass, (object?)tryLock, guard, guardMode, knownNull, via)
        {
        }

        private AbstractValue(SiteSet resources, ConstValue constant, Capability? lockId, string? lockClass, object? detail, bool guard, LockMode guardMode, bool knownNull,
            Microsoft.CodeAnalysis.ISymbol? via = null)
        {
            Via = via;
            KnownNull = knownNull;
            Guard = guard;
            GuardMode = guardMode;
            Resources = resources;
            Constant = constant;
            Lock = lockId;
            LockClass = lockClass;
            this.detail = detail;
        }

        /// <summary>A tuple: it carries what its elements hold (<c>return (pte, 0);</c> hands the map on), and each element's value.</summary>
        public static AbstractValue Tuple(AbstractValue[] elements)
        {
            var resources = SiteSet.Empty;
            foreach (var element in elements)
            {
                resources = resources.Union(element.Resources);
            }

            return new AbstractValue(resources, ConstValue.Unknown, null, null, elements, guard: false, LockMode.Exclusive, knownNull: false);
        }

        /// <summary>Bit i set: the value may be the result of acquisition site i.</summary>
        public SiteSet Resources { get; }

        public ConstValue Constant { get; }

        /// <summary>The object's identity (<c>mm.MmapLock</c>), when it has one.</summary>
        public Capability? Lock { get; }

        /// <summary>The lock's class, from [LockClass] on the member, parameter or type.</summary>
        public string? LockClass { get; }

        public TryLock? TryLock => detail as TryLock;

        /// <summary>A tuple's elements, in order; null for anything else.</summary>
        public AbstractValue[]? Elements => detail as AbstractValue[];

        /// <summary>The local or parameter this value was read from (see <see cref="LockFact.Via"/>).</summary>
        public Microsoft.CodeAnalysis.ISymbol? Via { get; }

        /// <summary>A scoped guard: disposing it releases the lock <see cref="Lock"/> names, in <see cref="GuardMode"/>.</summary>
        public bool Guard { get; }

        public LockMode GuardMode { get; }

        /// <summary>Null on every path here (a null literal, a default): what <c>x?.M()</c> gives when x is null.</summary>
        public bool KnownNull { get; }

        /// <summary>Nothing known: the value of most operations (the engine does not store these).</summary>
        public bool IsEmpty => Resources.IsEmpty && !Constant.IsKnown && Lock is null && LockClass is null && detail is null && !Guard && !KnownNull;

        public AbstractValue WithConstant(ConstValue constant) => new AbstractValue(Resources, constant, Lock, LockClass, detail, Guard, GuardMode, KnownNull, Via);

        public AbstractValue Join(AbstractValue other)
        {
            bool sameLock = Equals(Lock, other.Lock);
            return new AbstractValue(
                Resources.Union(other.Resources),
                Constant.Join(other.Constant),
                sameLock ? Lock : null,
                LockClass == other.LockClass ? LockClass : null,
                JoinElements(Elements, other.Elements),
                guard: Guard && other.Guard && sameLock && GuardMode == other.GuardMode,
                guardMode: GuardMode,
                knownNull: KnownNull && other.KnownNull);
        }

        /// <summary>
        /// Whether a join changed what the engine reads of a stored value (resources, constant, null, the lock it names
        /// and its class, a guard, a try-lock, a tuple's elements). Each of these only moves towards "unknown" in a join.
        /// </summary>
        public bool SameFacts(AbstractValue other)
        {
            if (!Resources.Equals(other.Resources) || !Constant.Equals(other.Constant) || KnownNull != other.KnownNull ||
                !Equals(Lock, other.Lock) || LockClass != other.LockClass || Guard != other.Guard || !ReferenceEquals(TryLock, other.TryLock))
            {
                return false;
            }

            var mine = Elements;
            var theirs = other.Elements;
            if (mine is null || theirs is null)
            {
                return mine == theirs;
            }

            for (int i = 0; i < mine.Length; i++)
            {
                if (!mine[i].SameFacts(theirs[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Tuples of one shape join element by element; anything else keeps no elements.</summary>
        private static AbstractValue[]? JoinElements(AbstractValue[]? mine, AbstractValue[]? theirs)
        {
            if (mine is null || theirs is null || mine.Length != theirs.Length)
            {
                return null;
            }

            if (mine == theirs)
            {
                return mine;
            }

            var joined = new AbstractValue[mine.Length];
            for (int i = 0; i < joined.Length; i++)
            {
                joined[i] = mine[i].Join(theirs[i]);
            }

            return joined;
        }
    }
}
