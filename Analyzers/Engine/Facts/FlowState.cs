using System.Collections.Generic;

namespace KernelDiscipline.Analyzers.Engine
{
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
        /// (an edge's state is built fresh for the edge). <paramref name="chargeSites"/>: see <see cref="FlowFacts.JoinWith"/>.
        /// </summary>
        public bool Join(int key, FlowFacts facts, bool owned, SiteSet chargeSites = default)
        {
            if (key != Normal && Folded.Contains(key))
            {
                facts = owned ? facts : facts.Clone();
                facts.Sites.Failed = facts.Sites.Failed.Union(SiteSet.Of(key));
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

            return mine.JoinWith(facts, chargeSites);
        }

        /// <summary>
        /// Folds each failed partition into the normal one where nothing left can tell them apart: the same known
        /// constants (so the same errno at every exit) and no live variable or capture holding the failed result.
        /// The failure rides on in the normal partition (<see cref="SiteFacts.Failed"/>) and the exits reached from
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
                if (partition.Key != Normal && partition.Value.Known.SameOutcomes(normal.Known) && !partition.Value.Observes(partition.Key, dead))
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
                failed.Sites.Failed = failed.Sites.Failed.Union(SiteSet.Of(key));
                normal.JoinWith(failed);
                Partitions.Remove(key);
                Folded = Folded.Union(SiteSet.Of(key));
            }

            return true;
        }
    }
}
