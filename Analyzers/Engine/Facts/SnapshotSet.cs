using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD305: PMDs (by identity) of which a lockless snapshot was taken, and whether it was re-validated under the lock
    /// taken since (true) or not (false).
    /// </summary>
    internal struct SnapshotSet : IFactTable<SnapshotSet>
    {
        public LazyMap<Capability, bool> Taken;

        public void CopyFrom(in SnapshotSet from) => Taken = from.Taken.Clone();

        /// <summary>A snapshot from either side is kept, validated only if both validated it.</summary>
        public bool JoinWith(in SnapshotSet other)
        {
            bool changed = false;
            foreach (var pair in other.Taken.Pairs)
            {
                bool present = Taken.TryGetValue(pair.Key, out bool mine);
                bool joined = present ? mine && pair.Value : pair.Value;
                if (!present || joined != mine)
                {
                    Taken[pair.Key] = joined;
                    changed = true;
                }
            }

            return changed;
        }

        public void Forget(ControlFlowRegion region)
        {
        }

        public void ForgetDead(DeadVariables dead)
        {
        }
    }
}
