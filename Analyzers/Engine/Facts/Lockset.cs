using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The locks held at a point, by identity (after Clang's FactSet), and those this body released on every path
    /// reaching it. Locks enter and leave only through the transfer's AddLock and RemoveLock, where the checks of
    /// taking and releasing live; this table only holds and joins them.
    /// </summary>
    internal struct Lockset : IFactTable<Lockset>
    {
        /// <summary>Every lock held here: taken in this body, left held by a callee, or held by an acquisition site's result.</summary>
        public LazyMap<Capability, LockFact> Held;

        /// <summary>Locks this body released on every path reaching here, with where: a second release is unbalanced.</summary>
        public LazyMap<Capability, SyntaxNode> Released;

        public void CopyFrom(in Lockset from)
        {
            Held = from.Held.Clone();
            Released = from.Released.Clone();
        }

        /// <summary>Held locks join as must/may (and in both modes where the paths differ); released locks as must.</summary>
        public bool JoinWith(in Lockset other)
        {
            bool changed = false;
            foreach (var id in Held.KeyList())
            {
                Held.TryGetValue(id, out var mine);
                var joined = other.Held.TryGetValue(id, out var theirs) ? mine.Join(theirs) : mine.AsMay();
                if (!joined.Equals(mine))
                {
                    Held[id] = joined;
                    changed = true;
                }
            }

            foreach (var pair in other.Held.Pairs)
            {
                if (!Held.ContainsKey(pair.Key))
                {
                    Held[pair.Key] = pair.Value.AsMay();
                    changed = true;
                }
            }

            foreach (var id in Released.KeyList())
            {
                if (!other.Released.ContainsKey(id))
                {
                    Released.Remove(id);
                    changed = true;
                }
            }

            return changed;
        }

        /// <summary>A lock outlives the scope of the variable that named it: nothing to forget.</summary>
        public void Forget(ControlFlowRegion region)
        {
        }

        public void ForgetDead(DeadVariables dead)
        {
        }

        public bool TryGet(Capability id, out LockFact fact) => Held.TryGetValue(id, out fact);
    }
}
