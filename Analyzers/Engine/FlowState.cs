using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// What may be true of one acquired resource on the paths reaching a point: a set, joined by union, so the
    /// lattice has height 5 per resource.
    /// </summary>
    [Flags]
    internal enum Fact : byte
    {
        None = 0,
        /// <summary>The acquire failed: the value is null.</summary>
        Null = 1,
        /// <summary>The acquire succeeded and its lock/map is held.</summary>
        Held = 2,
        /// <summary>Released (Unlock, Dispose, or a releasing helper).</summary>
        Released = 4,
        /// <summary>Ownership handed on: returned, stored, or passed to another method.</summary>
        Escaped = 8,
        /// <summary>Non-null, but holds nothing that must be released (a [Fallible] result without [Acquires]).</summary>
        Live = 16,
    }

    /// <summary>A known integer constant (with the syntax that produced it), or unknown.</summary>
    internal readonly struct ConstValue : IEquatable<ConstValue>
    {
        public static readonly ConstValue Unknown = default;

        public ConstValue(long value, SyntaxNode? origin)
        {
            IsKnown = true;
            Value = value;
            Origin = origin;
        }

        public bool IsKnown { get; }

        public long Value { get; }

        /// <summary>The expression that produced the value, when a single one did.</summary>
        public SyntaxNode? Origin { get; }

        public ConstValue Join(ConstValue other)
        {
            if (!IsKnown || !other.IsKnown || Value != other.Value)
            {
                return Unknown;
            }

            return Origin == other.Origin ? this : new ConstValue(Value, null);
        }

        public bool Equals(ConstValue other) => IsKnown == other.IsKnown && Value == other.Value && Origin == other.Origin;

        public override bool Equals(object? obj) => obj is ConstValue other && Equals(other);

        public override int GetHashCode() => IsKnown ? Value.GetHashCode() : 0;
    }

    /// <summary>A storage place the engine follows: a local or parameter, or one member of one (<c>vmf.Pte</c>).</summary>
    internal readonly struct PathKey : IEquatable<PathKey>
    {
        public PathKey(ISymbol root, ISymbol? member)
        {
            Root = root;
            Member = member;
        }

        /// <summary>A local, a parameter, or the method itself standing for <c>this</c>.</summary>
        public ISymbol Root { get; }

        public ISymbol? Member { get; }

        /// <summary>Storing here hands ownership to the caller: an out/ref parameter, or a member of a parameter or of this.</summary>
        public bool OutlivesMethod =>
            Root is IParameterSymbol { RefKind: not RefKind.None } ||
            (Member != null && Root is IParameterSymbol or IMethodSymbol);

        public string Text => Member is null ? Root.Name : Root is IMethodSymbol ? Member.Name : Root.Name + "." + Member.Name;

        public bool Equals(PathKey other) =>
            SymbolEqualityComparer.Default.Equals(Root, other.Root) && SymbolEqualityComparer.Default.Equals(Member, other.Member);

        public override bool Equals(object? obj) => obj is PathKey other && Equals(other);

        public override int GetHashCode() =>
            (SymbolEqualityComparer.Default.GetHashCode(Root) * 397) ^ (Member is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(Member));
    }

    /// <summary>The abstract value of an expression: which acquired resources it may be, its integer constant, and
    /// when it denotes a lock, that lock's identity and class; for a try-lock's result, what succeeding acquires.</summary>
    internal readonly struct AbstractValue
    {
        public static readonly AbstractValue Empty = default;

        public AbstractValue(SiteSet resources, ConstValue constant, string? lockKey = null, string? lockClass = null, TryLock? tryLock = null, bool guard = false)
        {
            Guard = guard;
            Resources = resources;
            Constant = constant;
            LockKey = lockKey;
            LockClass = lockClass;
            TryLock = tryLock;
        }

        /// <summary>Bit i set: the value may be the result of acquisition site i.</summary>
        public SiteSet Resources { get; }

        public ConstValue Constant { get; }

        /// <summary>The lock's identity: its access path (<c>P:mm.MmapLock</c>), when it has one.</summary>
        public string? LockKey { get; }

        /// <summary>The lock's class, from [LockClass] on the member, parameter or type.</summary>
        public string? LockClass { get; }

        public TryLock? TryLock { get; }

        /// <summary>A scoped guard: disposing it releases the lock <see cref="LockKey"/> names.</summary>
        public bool Guard { get; }

        /// <summary>Nothing known: the value of most operations (the engine does not store these).</summary>
        public bool IsEmpty => Resources.IsEmpty && !Constant.IsKnown && LockKey is null && LockClass is null && TryLock is null && !Guard;

        public AbstractValue WithConstant(ConstValue constant) => new AbstractValue(Resources, constant, LockKey, LockClass, TryLock, Guard);

        public AbstractValue Join(AbstractValue other) => new AbstractValue(
            Resources.Union(other.Resources),
            Constant.Join(other.Constant),
            LockKey == other.LockKey ? LockKey : null,
            LockClass == other.LockClass ? LockClass : null,
            guard: Guard && other.Guard && LockKey == other.LockKey);
    }

    /// <summary>A try-lock's boolean result: the lock it takes when the result is <see cref="Success"/>.</summary>
    internal sealed class TryLock
    {
        public TryLock(string key, string? lockClass, bool success, SyntaxNode site)
        {
            Key = key;
            Class = lockClass;
            Success = success;
            Site = site;
        }

        public string Key { get; }

        public string? Class { get; }

        public bool Success { get; }

        public SyntaxNode Site { get; }
    }

    /// <summary>A lock taken in this body and held here: on every path (must) or on some (may).</summary>
    internal readonly struct HeldLock : IEquatable<HeldLock>
    {
        public HeldLock(string key, string? lockClass, bool nested, bool may, SyntaxNode site, bool reentrant = false, int depth = 1)
        {
            Key = key;
            Class = lockClass;
            Nested = nested;
            May = may;
            Site = site;
            Reentrant = reentrant;
            Depth = depth;
        }

        /// <summary>A lock the holding thread may take again (Monitor, System.Threading.Lock): it counts entries.</summary>
        public bool Reentrant { get; }

        /// <summary>How many times the thread entered it (1 for every non-reentrant lock).</summary>
        public int Depth { get; }

        public HeldLock WithDepth(int depth) => new HeldLock(Key, Class, Nested, May, Site, Reentrant, depth);

        public string Key { get; }

        public string? Class { get; }

        /// <summary>Taken through a nesting annotation or an ordering helper.</summary>
        public bool Nested { get; }

        /// <summary>Held on some of the paths reaching here only.</summary>
        public bool May { get; }

        public SyntaxNode Site { get; }

        public HeldLock AsMay() => new HeldLock(Key, Class, Nested, may: true, Site, Reentrant, Depth);

        public bool Equals(HeldLock other) => Key == other.Key && May == other.May;

        public override bool Equals(object? obj) => obj is HeldLock other && Equals(other);

        public override int GetHashCode() => Key.GetHashCode();
    }

    /// <summary>The facts on one partition of the paths reaching a point.</summary>
    internal sealed partial class FlowFacts
    {
        /// <summary>Per acquisition site: what its latest resource may be.</summary>
        public readonly Fact[] Facts;

        /// <summary>Which resources each followed path may hold.</summary>
        public LazyMap<PathKey, SiteSet> Vars;

        /// <summary>
        /// Variables that hold a followed resource on some of the joined paths only (on others something else, such as
        /// null): a null test of one says nothing about whether the acquisition failed.
        /// </summary>
        public LazyMap<PathKey, bool> Partial;

        /// <summary>Known constants of integer and enum locals and parameters (absent = unknown).</summary>
        public LazyMap<ISymbol, ConstValue> Constants;

        /// <summary>Values of the CFG's flow captures (they may span blocks).</summary>
        public LazyMap<CaptureId, AbstractValue> Captures;

        /// <summary>Locks taken in this body (receiver and argument acquisitions) and held here, by identity.</summary>
        public LazyMap<string, HeldLock> Locks;

        /// <summary>Locks this body released on every path reaching here, with where: a second release is unbalanced.</summary>
        public LazyMap<string, SyntaxNode> Released;

        /// <summary>
        /// Failed acquisitions whose paths were folded into this partition (<see cref="FlowState.Fold"/>): every exit
        /// reached from here is judged for them too (KD102).
        /// </summary>
        public SiteSet Failed;

        /// <summary>Locals that hold a lock reference (<c>var ptl = pmd.LockPointer</c>): the class they inherit.</summary>
        public LazyMap<ISymbol, string> Aliases;

        /// <summary>
        /// KD305: PMDs (by identity) of which a lockless snapshot was taken, and whether it was re-validated under the
        /// lock taken since (true) or not (false). Joins keep a key from either side, validated only if both are.
        /// </summary>
        public LazyMap<string, bool> Snapshots;

        /// <summary>Locals that hold a scoped guard: the lock it releases when disposed, and its class.</summary>
        public LazyMap<ISymbol, (string Key, string? Class)> Guards;

        /// <summary>KD302: charges on objects (by resource and identity) taken in this body and not given back.</summary>
        public LazyMap<string, HeldCharge> Charges;

        /// <summary>KD302: locals and parameters known to hold an error result here (tested negative, or non-zero errnos).</summary>
        public LazyMap<ISymbol, bool> Errors;

        /// <summary>Bool locals that say whether a lock was taken (<c>Monitor.Enter(x, ref taken)</c>): the lock's key.</summary>
        public LazyMap<ISymbol, string> TakenFlags;

        /// <summary>Kept by a state as one of its partitions: never recycled (see DataflowEngine.Recycle).</summary>
        public bool Stored;

        public FlowFacts(int sites)
        {
            Facts = new Fact[sites];
        }

        private FlowFacts(FlowFacts from)
        {
            Facts = from.Facts.Length == 0 ? from.Facts : new Fact[from.Facts.Length];
            CopyFacts(from.Facts, Facts);
            Vars = from.Vars.Clone();
            Partial = from.Partial.Clone();
            Constants = from.Constants.Clone();
            Captures = from.Captures.Clone();
            Locks = from.Locks.Clone();
            Released = from.Released.Clone();
            Aliases = from.Aliases.Clone();
            TakenFlags = from.TakenFlags.Clone();
            Guards = from.Guards.Clone();
            Snapshots = from.Snapshots.Clone();
            Charges = from.Charges.Clone();
            Errors = from.Errors.Clone();
            Failed = from.Failed;
        }

        public FlowFacts Clone() => new FlowFacts(this);

        /// <summary>A body has a few sites: a loop beats Array.Clone and Array.Copy, whose checks cost more than the copy.</summary>
        private static void CopyFacts(Fact[] from, Fact[] to)
        {
            for (int i = 0; i < to.Length; i++)
            {
                to[i] = from[i];
            }
        }

        /// <summary>Makes <paramref name="to"/> equal to this.</summary>
        public void CopyTo(FlowFacts to)
        {
            CopyFacts(Facts, to.Facts);
            to.Vars = Vars.Clone();
            to.Partial = Partial.Clone();
            to.Constants = Constants.Clone();
            to.Captures = Captures.Clone();
            to.Locks = Locks.Clone();
            to.Released = Released.Clone();
            to.Aliases = Aliases.Clone();
            to.TakenFlags = TakenFlags.Clone();
            to.Guards = Guards.Clone();
            to.Snapshots = Snapshots.Clone();
            to.Charges = Charges.Clone();
            to.Errors = Errors.Clone();
            to.Failed = Failed;
        }

        /// <summary>Joins <paramref name="other"/> into this; true when anything changed.</summary>
        public bool JoinWith(FlowFacts other)
        {
            bool changed = false;
            List<PathKey>? partial = null;
            for (int i = 0; i < Facts.Length; i++)
            {
                var joined = Facts[i] | other.Facts[i];
                changed |= joined != Facts[i];
                Facts[i] = joined;
            }

            foreach (var pair in Vars.Pairs)
            {
                if (!other.Vars.ContainsKey(pair.Key) && !Partial.ContainsKey(pair.Key))
                {
                    (partial ??= new List<PathKey>()).Add(pair.Key);
                }
            }

            foreach (var pair in other.Vars.Pairs)
            {
                if ((!Vars.ContainsKey(pair.Key) || other.Partial.ContainsKey(pair.Key)) && !Partial.ContainsKey(pair.Key))
                {
                    (partial ??= new List<PathKey>()).Add(pair.Key);
                }

                bool present = Vars.TryGetValue(pair.Key, out SiteSet mine);
                if (!present || !mine.Covers(pair.Value))
                {
                    Vars[pair.Key] = mine.Union(pair.Value);
                    changed = true;
                }
            }

            if (!Failed.Covers(other.Failed))
            {
                Failed = Failed.Union(other.Failed);
                changed = true;
            }

            if (partial != null)
            {
                foreach (var key in partial)
                {
                    Partial[key] = true;
                }

                changed = true;
            }

            changed |= JoinConstants(other);
            changed |= JoinLocks(other);
            changed |= JoinCharges(other);
            foreach (var pair in other.Captures.Pairs)
            {
                if (!Captures.TryGetValue(pair.Key, out var mine))
                {
                    Captures[pair.Key] = pair.Value;
                    changed = true;
                    continue;
                }

                var joined = mine.Join(pair.Value);
                if (!joined.Resources.Equals(mine.Resources) || !joined.Constant.Equals(mine.Constant))
                {
                    Captures[pair.Key] = joined;
                    changed = true;
                }
            }

            return changed;
        }

        /// <summary>Held locks join as must/may; released locks and aliases keep what both sides agree on.</summary>
        private bool JoinLocks(FlowFacts other)
        {
            bool changed = false;
            foreach (var key in Locks.KeyList())
            {
                Locks.TryGetValue(key, out var mine);
                bool may = !other.Locks.TryGetValue(key, out var theirs) || theirs.May;
                if (may && !mine.May)
                {
                    Locks[key] = mine.AsMay();
                    changed = true;
                }
            }

            foreach (var pair in other.Locks.Pairs)
            {
                if (!Locks.ContainsKey(pair.Key))
                {
                    Locks[pair.Key] = pair.Value.AsMay();
                    changed = true;
                }
            }

            foreach (var key in Released.KeyList())
            {
                if (!other.Released.ContainsKey(key))
                {
                    Released.Remove(key);
                    changed = true;
                }
            }

            foreach (var symbol in TakenFlags.KeyList())
            {
                TakenFlags.TryGetValue(symbol, out var mine);
                if (!other.TakenFlags.TryGetValue(symbol, out var theirs) || theirs != mine)
                {
                    TakenFlags.Remove(symbol);
                    changed = true;
                }
            }

            foreach (var pair in other.Snapshots.Pairs)
            {
                bool present = Snapshots.TryGetValue(pair.Key, out bool mine);
                bool joined = present ? mine && pair.Value : pair.Value;
                if (!present || joined != mine)
                {
                    Snapshots[pair.Key] = joined;
                    changed = true;
                }
            }

            foreach (var symbol in Guards.KeyList())
            {
                Guards.TryGetValue(symbol, out var mine);
                if (!other.Guards.TryGetValue(symbol, out var theirs) || theirs != mine)
                {
                    Guards.Remove(symbol);
                    changed = true;
                }
            }

            foreach (var symbol in Aliases.KeyList())
            {
                Aliases.TryGetValue(symbol, out var mine);
                if (!other.Aliases.TryGetValue(symbol, out var theirs) || theirs != mine)
                {
                    Aliases.Remove(symbol);
                    changed = true;
                }
            }

            return changed;
        }

        /// <summary>
        /// Whether every exit reached from here returns the same known values on these paths as on <paramref name="other"/>'s:
        /// the engine knows values only through constants of locals and captures.
        /// </summary>
        public bool SameOutcomes(FlowFacts other)
        {
            if (Constants.Count != other.Constants.Count)
            {
                return false;
            }

            foreach (var pair in Constants.Pairs)
            {
                if (!other.Constants.TryGetValue(pair.Key, out var theirs) || theirs.Value != pair.Value.Value)
                {
                    return false;
                }
            }

            foreach (var pair in Captures.Pairs)
            {
                var mine = pair.Value.Constant;
                var theirs = other.Captures.TryGetValue(pair.Key, out var value) ? value.Constant : ConstValue.Unknown;
                if (mine.IsKnown != theirs.IsKnown || mine.Value != theirs.Value)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether a live variable or a flow capture may still hold what site <paramref name="site"/> returned.</summary>
        public bool Observes(int site, DeadVariables dead)
        {
            foreach (var pair in Captures.Pairs)
            {
                if (pair.Value.Resources.Contains(site))
                {
                    return true;
                }
            }

            foreach (var pair in Vars.Pairs)
            {
                if (pair.Value.Contains(site) && !dead.Contains(pair.Key.Root))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Forgets the locals and flow captures of the regions a branch leaves: nothing reads them after.</summary>
        public void Forget(ControlFlowRegion region)
        {
            foreach (var capture in region.CaptureIds)
            {
                Captures.Remove(capture);
            }

            foreach (var local in region.Locals)
            {
                Constants.Remove(local);
                Errors.Remove(local);
                Aliases.Remove(local);
                TakenFlags.Remove(local);
                Guards.Remove(local);
                // A local that still holds a held resource names it in the leak report: keep that one.
                var key = new PathKey(local, null);
                if (Vars.TryGetValue(key, out SiteSet resources) && !HoldsAny(resources))
                {
                    Vars.Remove(key);
                }
            }
        }

        /// <summary>
        /// Forgets what is known of variables that are dead here (<see cref="Liveness"/>): long bodies declare many
        /// locals at the top, and carrying each to the end made every state grow with the body.
        /// </summary>
        public void ForgetDead(DeadVariables dead)
        {
            List<PathKey>? vars = null;
            foreach (var pair in Vars.Pairs)
            {
                if (dead.Contains(pair.Key.Root) && !HoldsAny(pair.Value))
                {
                    (vars ??= new List<PathKey>()).Add(pair.Key);
                }
            }

            vars?.ForEach(key => Vars.Remove(key));
            ForgetDeadKeys(ref Constants, dead);
            ForgetDeadKeys(ref Errors, dead);
            ForgetDeadKeys(ref Aliases, dead);
            ForgetDeadKeys(ref TakenFlags, dead);
            ForgetDeadKeys(ref Guards, dead);
            ForgetUnreachableReleases();
        }

        /// <summary>Drops what a map knows of variables that are dead here: each is read only through a read of its variable.</summary>
        private static void ForgetDeadKeys<TValue>(ref LazyMap<ISymbol, TValue> map, DeadVariables dead)
        {
            List<ISymbol>? gone = null;
            foreach (var symbol in map.Keys)
            {
                if (dead.Contains(symbol))
                {
                    (gone ??= new List<ISymbol>()).Add(symbol);
                }
            }

            if (gone != null)
            {
                foreach (var symbol in gone)
                {
                    map.Remove(symbol);
                }
            }
        }

        /// <summary>
        /// A release recorded for an acquisition site (<c>#3</c>) matters only to a second release of what that site
        /// returned, and that needs a variable or capture still holding it: once none does, the record goes (a long
        /// method would otherwise carry, copy and join one record per map it ever released).
        /// </summary>
        private void ForgetUnreachableReleases()
        {
            List<string>? orphaned = null;
            foreach (var key in Released.Keys)
            {
                int site = SiteOfKey(key);
                if (site >= 0 && !Reachable(site))
                {
                    (orphaned ??= new List<string>()).Add(key);
                }
            }

            orphaned?.ForEach(key => Released.Remove(key));
        }

        private bool Reachable(int site)
        {
            foreach (var value in Vars.Values)
            {
                if (value.Contains(site))
                {
                    return true;
                }
            }

            foreach (var value in Captures.Values)
            {
                if (value.Resources.Contains(site))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The site an identity of the form <c>#n</c> names (see AcquireSite.Key), else -1.</summary>
        private static int SiteOfKey(string key)
        {
            if (key.Length < 2 || key[0] != '#')
            {
                return -1;
            }

            int site = 0;
            for (int i = 1; i < key.Length; i++)
            {
                if (key[i] < '0' || key[i] > '9' || site > 100_000_000)
                {
                    return -1;
                }

                site = (site * 10) + (key[i] - '0');
            }

            return site;
        }

        private bool HoldsAny(SiteSet resources)
        {
            foreach (int i in resources)
            {
                if ((Facts[i] & Fact.Held) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        private bool JoinConstants(FlowFacts other)
        {
            bool changed = false;
            foreach (var symbol in Constants.KeyList())
            {
                Constants.TryGetValue(symbol, out var mine);
                var joined = other.Constants.TryGetValue(symbol, out var theirs) ? mine.Join(theirs) : ConstValue.Unknown;
                if (!joined.IsKnown)
                {
                    Constants.Remove(symbol);
                    changed = true;
                }
                else if (!joined.Equals(mine))
                {
                    Constants[symbol] = joined;
                    changed = true;
                }
            }

            return changed;
        }
    }

    /// <summary>
    /// The state at a program point, partitioned by trace: the normal paths, and for each fallible acquisition site
    /// the paths on which that acquisition failed and has not been retried yet. Partitions join separately, so what
    /// happens on a failed-map path (the errno it returns) is not blurred by the paths where the map succeeded.
    /// </summary>
    internal sealed class FlowState
    {
        public const int Normal = -1;

        /// <summary>A field, not a property: the list is a struct and is changed in place.</summary>
        public PartitionList Partitions;

        /// <summary>
        /// Failed-acquisition partitions folded into the normal one here: from this point on, a failure path could
        /// not be told apart from the success paths (see <see cref="Fold"/>). Once folded, a key stays folded at this
        /// point, so folding is monotone and the fixed point is still reached.
        /// </summary>
        public SiteSet Folded { get; private set; }

        /// <summary>Joins one partition in; true when anything changed.</summary>
        public bool Join(int key, FlowFacts facts) => Join(key, facts, owned: false);

        /// <summary>
        /// Joins a partition the caller will not touch again: the first one to arrive is kept as it is, not copied
        /// (an edge's state is built fresh for the edge).
        /// </summary>
        public bool Join(int key, FlowFacts facts, bool owned)
        {
            if (key != Normal && Folded.Contains(key))
            {
                facts = owned ? facts : facts.Clone();
                facts.Failed = facts.Failed.Union(SiteSet.Of(key));
                key = Normal;
                owned = true;
            }

            if (!Partitions.TryGetValue(key, out var mine))
            {
                var kept = owned ? facts : facts.Clone();
                kept.Stored = true;
                Partitions[key] = kept;
                return true;
            }

            return mine.JoinWith(facts);
        }

        /// <summary>
        /// Folds each failed partition into the normal one where nothing left can tell them apart: the same known
        /// constants (so the same errno at every exit) and no live variable or capture holding the failed result.
        /// The failure rides on in the normal partition (<see cref="FlowFacts.Failed"/>) and the exits reached from
        /// here are judged for it as before. Without this, each silently skipped map would keep a partition alive to
        /// the end of the body: time and memory quadratic in long methods.
        /// </summary>
        public bool Fold(DeadVariables dead)
        {
            if (Partitions.Count < 2 || !Partitions.TryGetValue(Normal, out var normal))
            {
                return false;
            }

            List<int>? folded = null;
            foreach (var partition in Partitions)
            {
                if (partition.Key != Normal && partition.Value.SameOutcomes(normal) && !partition.Value.Observes(partition.Key, dead))
                {
                    (folded ??= new List<int>()).Add(partition.Key);
                }
            }

            if (folded is null)
            {
                return false;
            }

            foreach (int key in folded)
            {
                var failed = Partitions[key];
                failed.Failed = failed.Failed.Union(SiteSet.Of(key));
                normal.JoinWith(failed);
                Partitions.Remove(key);
                Folded = Folded.Union(SiteSet.Of(key));
            }

            return true;
        }
    }

    /// <summary>
    /// The partitions of a state, in the order they arrived. Almost every state has one (the normal paths), so the
    /// first is held inline: a dictionary per state was a tenth of the engine's allocation.
    /// </summary>
    internal struct PartitionList
    {
        private int firstKey;
        private FlowFacts? first;
        private List<KeyValuePair<int, FlowFacts>>? rest;

        public int Count => first is null ? 0 : 1 + (rest?.Count ?? 0);

        public bool TryGetValue(int key, out FlowFacts facts)
        {
            if (first != null && firstKey == key)
            {
                facts = first;
                return true;
            }

            int index = IndexInRest(key);
            facts = index >= 0 ? rest![index].Value : null!;
            return index >= 0;
        }

        public FlowFacts this[int key]
        {
            get => TryGetValue(key, out var facts) ? facts : throw new KeyNotFoundException();
            set
            {
                if (first is null || firstKey == key)
                {
                    firstKey = key;
                    first = value;
                    return;
                }

                int index = IndexInRest(key);
                if (index >= 0)
                {
                    rest![index] = new KeyValuePair<int, FlowFacts>(key, value);
                }
                else
                {
                    (rest ??= new List<KeyValuePair<int, FlowFacts>>(2)).Add(new KeyValuePair<int, FlowFacts>(key, value));
                }
            }
        }

        public bool Remove(int key)
        {
            if (first != null && firstKey == key)
            {
                if (rest is { Count: > 0 })
                {
                    firstKey = rest[0].Key;
                    first = rest[0].Value;
                    rest.RemoveAt(0);
                }
                else
                {
                    first = null;
                }

                return true;
            }

            int index = IndexInRest(key);
            if (index >= 0)
            {
                rest!.RemoveAt(index);
            }

            return index >= 0;
        }

        /// <summary>A copy of the pairs, for loops whose work may add partitions to this very list.</summary>
        public KeyValuePair<int, FlowFacts>[] ToArray()
        {
            var pairs = new KeyValuePair<int, FlowFacts>[Count];
            int i = 0;
            foreach (var pair in this)
            {
                pairs[i++] = pair;
            }

            return pairs;
        }

        public Enumerator GetEnumerator() => new Enumerator(firstKey, first, rest);

        private int IndexInRest(int key)
        {
            if (rest != null)
            {
                for (int i = 0; i < rest.Count; i++)
                {
                    if (rest[i].Key == key)
                    {
                        return i;
                    }
                }
            }

            return -1;
        }

        public struct Enumerator
        {
            private readonly int firstKey;
            private readonly FlowFacts? first;
            private readonly List<KeyValuePair<int, FlowFacts>>? rest;
            private int index;

            public Enumerator(int firstKey, FlowFacts? first, List<KeyValuePair<int, FlowFacts>>? rest)
            {
                this.firstKey = firstKey;
                this.first = first;
                this.rest = rest;
                index = -2;
            }

            public KeyValuePair<int, FlowFacts> Current => index == -1 ? new KeyValuePair<int, FlowFacts>(firstKey, first!) : rest![index];

            public bool MoveNext()
            {
                if (first is null)
                {
                    return false;
                }

                index++;
                return index == -1 || (rest != null && index < rest.Count);
            }
        }
    }
}
