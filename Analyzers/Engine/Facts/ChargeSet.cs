using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD302: charges on objects (by resource and identity) taken in this body and not given back.</summary>
    internal struct ChargeSet : IFactTable<ChargeSet>
    {
        public LazyMap<ChargeKey, HeldCharge> Held;

        public void CopyFrom(in ChargeSet from) => Held = from.Held.Clone();

        /// <summary>Charges join as must/may like locks.</summary>
        public bool JoinWith(in ChargeSet other)
        {
            bool changed = false;
            foreach (var key in Held.KeyList())
            {
                Held.TryGetValue(key, out var mine);
                var joined = other.Held.TryGetValue(key, out var theirs) ? mine.Join(theirs) : mine.With(may: true, mine.Depth, mine.Result);
                if (!joined.Equals(mine))
                {
                    Held[key] = joined;
                    changed = true;
                }
            }

            foreach (var pair in other.Held.Pairs)
            {
                if (!Held.ContainsKey(pair.Key))
                {
                    Held[pair.Key] = pair.Value.With(may: true, pair.Value.Depth, pair.Value.Result);
                    changed = true;
                }
            }

            return changed;
        }

        /// <summary>A charge outlives the variable that named its object: nothing to forget.</summary>
        public void Forget(Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowRegion region)
        {
        }

        public void ForgetDead(DeadVariables dead)
        {
        }
    }
}
