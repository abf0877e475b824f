using System.Collections.Generic;
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
        public SmallMap<Capability, LockFact> Held;

        /// <summary>Locks this body released on every path reaching here, with where: a second release is unbalanced.</summary>
        public SmallMap<Capability, SyntaxNode> Released;

        public void CopyFrom(in Lockset from)
        {
            Held = from.Held.Clone();
            Released = from.Released.Clone();
        }

        /// <summary>Held locks join as must/may (and in both modes where the paths differ); released locks as must.</summary>
        public bool JoinWith(in Lockset other)
        {
            // Joins run on every edge and mostly change nothing: look first, allocate only for what changes.
            List<LockFact>? joined = null;
            foreach (var pair in Held.Pairs)
            {
                var mine = pair.Value;
                var result = other.Held.TryGetValue(pair.Key, out var theirs) ? mine.Join(theirs) : mine.AsMay();
                if (!result.Equals(mine))
                {
                    (joined ??= new List<LockFact>()).Add(result);
                }
            }

            foreach (var pair in other.Held.Pairs)
            {
                if (!Held.ContainsKey(pair.Key))
                {
                    (joined ??= new List<LockFact>()).Add(pair.Value.AsMay());
                }
            }

            List<Capability>? gone = null;
            foreach (var id in Released.Keys)
            {
                if (!other.Released.ContainsKey(id))
                {
                    (gone ??= new List<Capability>()).Add(id);
                }
            }

            if (joined != null)
            {
                foreach (var fact in joined)
                {
                    Held[fact.Id] = fact;
                }
            }

            if (gone != null)
            {
                foreach (var id in gone)
                {
                    Released.Remove(id);
                }
            }

            return joined != null || gone != null;
        }

        /// <summary>A lock outlives the scope of the variable that named it: nothing to forget.</summary>
        public void Forget(ControlFlowRegion region)
        {
        }

        public void ForgetDead(DeadVariables dead)
        {
        }

        public bool TryGet(Capability id, out LockFact fact) => Held.TryGetValue(id, out fact);

        public bool ContainsHeld(Capability id) => Held.ContainsKey(id);
    }
}
