using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD305: PMDs (by identity) of which a lockless snapshot was taken, and whether it was re-validated under the lock
    /// taken since, and under which locks (<see cref="SnapshotState"/>).
    /// </summary>
    internal struct SnapshotSet : IFactTable<SnapshotSet>
    {
        public LazyMap<Capability, SnapshotState> Taken;

        public void CopyFrom(in SnapshotSet from) => Taken = from.Taken.Clone();

        /// <summary>A snapshot from either side is kept, validated only if both validated it.</summary>
        public bool JoinWith(in SnapshotSet other)
        {
            bool changed = false;
            foreach (var pair in other.Taken.Pairs)
            {
                bool present = Taken.TryGetValue(pair.Key, out var mine);
                var joined = present ? mine.Join(pair.Value) : pair.Value;
                if (!present || !joined.Equals(mine))
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
