using System.Collections.Generic;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD304: the sign of errnos, a small lattice of its own: per local, parameter and flow capture, the positive Errno
    /// constants it may hold (<see cref="ErrnoSet"/>; absent: none, the usual case, so the table costs nothing where the
    /// sign is right). Unlike a constant, which both sides of a join must agree on, a may-set survives a join, so a
    /// positive errno that reaches a return through a label, a loop's break or a join with other values is still seen.
    /// </summary>
    internal struct ErrnoFacts : IFactTable<ErrnoFacts>
    {
        public LazyMap<ErrnoHolder, ErrnoSet> Held;

        public void CopyFrom(in ErrnoFacts from) => Held = from.Held.Clone();

        /// <summary>What either side may hold.</summary>
        public bool JoinWith(in ErrnoFacts other)
        {
            if (other.Held.Count == 0)
            {
                return false;
            }

            bool changed = false;
            foreach (var pair in other.Held.Pairs)
            {
                bool present = Held.TryGetValue(pair.Key, out var mine);
                var joined = present ? mine.Union(pair.Value) : pair.Value;
                if (!present || !joined.Equals(mine))
                {
                    Held[pair.Key] = joined;
                    changed = true;
                }
            }

            return changed;
        }

        public void Forget(ControlFlowRegion region)
        {
            if (Held.Count == 0)
            {
                return;
            }

            foreach (var local in region.Locals)
            {
                Held.Remove(new ErrnoHolder(local));
            }

            foreach (var capture in region.CaptureIds)
            {
                Held.Remove(new ErrnoHolder(capture));
            }
        }

        public void ForgetDead(DeadVariables dead)
        {
            if (Held.Count == 0)
            {
                return;
            }

            List<ErrnoHolder>? gone = null;
            foreach (var holder in Held.Keys)
            {
                if (holder.Variable != null && dead.Contains(holder.Variable))
                {
                    (gone ??= new List<ErrnoHolder>()).Add(holder);
                }
            }

            if (gone != null)
            {
                foreach (var holder in gone)
                {
                    Held.Remove(holder);
                }
            }
        }

        /// <summary>What <paramref name="holder"/> may hold here.</summary>
        public ErrnoSet Of(ErrnoHolder holder) => Held.TryGetValue(holder, out var set) ? set : ErrnoSet.Empty;

        /// <summary><paramref name="holder"/> was written: it holds <paramref name="value"/> now (a strong update).</summary>
        public void Write(ErrnoHolder holder, ErrnoSet value)
        {
            if (!value.IsEmpty)
            {
                Held[holder] = value;
            }
            else if (Held.Count > 0)
            {
                Held.Remove(holder);
            }
        }
    }
}
