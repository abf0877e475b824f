using System.Collections.Generic;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The facts on one partition of the paths reaching a point: one field per table. Every table is copied, joined and
    /// forgotten through <see cref="Each"/>, the one place that lists them.
    /// </summary>
    internal sealed class FlowFacts
    {
        /// <summary>Resources carried by values: acquisition sites and the variables that hold them.</summary>
        public SiteFacts Sites;

        /// <summary>Constants, flow captures, error locals.</summary>
        public ValueFacts Known;

        /// <summary>The locks held and released (the lockset).</summary>
        public Lockset Locks;

        /// <summary>Locals that name locks, hold guards, or say whether a lock was taken.</summary>
        public LockLocals LockLocals;

        /// <summary>KD302: charges on objects.</summary>
        public ChargeSet Charges;

        /// <summary>KD305: lockless snapshots.</summary>
        public SnapshotSet Snapshots;

        /// <summary>KD304: the Errno constants variables may hold.</summary>
        public ErrnoFacts Errnos;

        /// <summary>Kept by a state as one of its partitions: never recycled (see DataflowEngine.Recycle).</summary>
        public bool Stored;

        public FlowFacts(int sites)
        {
            Sites = new SiteFacts(sites);
        }

        /// <summary>The tables, each once: a new kind of fact is a new field and a line here.</summary>
        private void Each<TOperation>(ref TOperation operation, FlowFacts other)
            where TOperation : struct, ITableOperation
        {
            operation.Apply(ref Sites, in other.Sites);
            operation.Apply(ref Known, in other.Known);
            operation.Apply(ref Locks, in other.Locks);
            operation.Apply(ref LockLocals, in other.LockLocals);
            operation.Apply(ref Charges, in other.Charges);
            operation.Apply(ref Snapshots, in other.Snapshots);
            operation.Apply(ref Errnos, in other.Errnos);
        }

        public FlowFacts Clone()
        {
            var copy = new FlowFacts(Sites.Facts.Length);
            copy.CopyFrom(this);
            return copy;
        }

        /// <summary>Makes this equal to <paramref name="from"/>.</summary>
        public void CopyFrom(FlowFacts from)
        {
            var copy = default(CopyOperation);
            Each(ref copy, from);
        }

        /// <summary>
        /// Joins <paramref name="other"/> into this; true when anything changed. <paramref name="chargeSites"/>: the
        /// acquisition sites whose result carries a charge, for what an error path held (<see cref="ErrorPaths"/>).
        /// </summary>
        public bool JoinWith(FlowFacts other, SiteSet chargeSites = default)
        {
            var errorPaths = ErrorPaths.Before(this, other, chargeSites); // the one relation between tables: null unless an error meets a non-error
            var join = default(JoinOperation);
            Each(ref join, other);
            return join.Changed | (errorPaths != null && ErrorPaths.After(this, errorPaths));
        }

        /// <summary>Forgets the locals and flow captures of a region a branch leaves: nothing reads them after.</summary>
        public void Forget(ControlFlowRegion region)
        {
            var forget = new ForgetOperation(region);
            Each(ref forget, this);
        }

        /// <summary>
        /// Forgets what is known of variables that are dead here (<see cref="Liveness"/>): long bodies declare many
        /// locals at the top, and carrying each to the end made every state grow with the body.
        /// </summary>
        public void ForgetDead(DeadVariables dead)
        {
            var forget = new ForgetDeadOperation(dead);
            Each(ref forget, this);
            ForgetUnreachableReleases();
        }

        /// <summary>Whether a live variable or a flow capture may still hold what site <paramref name="site"/> returned.</summary>
        public bool Observes(int site, DeadVariables dead) => Known.CapturesSite(site) || Sites.Holds(site, dead);

        /// <summary>
        /// A release recorded for an acquisition site's lock matters only to a second release of what that site
        /// returned, and that needs a variable or capture still holding it: once none does, the record goes (a long
        /// method would otherwise carry, copy and join one record per map it ever released).
        /// </summary>
        private void ForgetUnreachableReleases()
        {
            List<Capability>? orphaned = null;
            foreach (var id in Locks.Released.Keys)
            {
                if (id.Kind == CapabilityKind.Site && !Sites.Holds(id.Site) && !Known.CapturesSite(id.Site))
                {
                    (orphaned ??= new List<Capability>()).Add(id);
                }
            }

            if (orphaned != null)
            {
                foreach (var id in orphaned)
                {
                    Locks.Released.Remove(id);
                }
            }
        }

        private struct CopyOperation : ITableOperation
        {
            public void Apply<T>(ref T mine, in T theirs)
                where T : struct, IFactTable<T> => mine.CopyFrom(in theirs);
        }

        private struct JoinOperation : ITableOperation
        {
            public bool Changed;

            public void Apply<T>(ref T mine, in T theirs)
                where T : struct, IFactTable<T> => Changed |= mine.JoinWith(in theirs);
        }

        private readonly struct ForgetOperation : ITableOperation
        {
            private readonly ControlFlowRegion region;

            public ForgetOperation(ControlFlowRegion region) => this.region = region;

            public void Apply<T>(ref T mine, in T theirs)
                where T : struct, IFactTable<T> => mine.Forget(region);
        }

        private readonly struct ForgetDeadOperation : ITableOperation
        {
            private readonly DeadVariables dead;

            public ForgetDeadOperation(DeadVariables dead) => this.dead = dead;

            public void Apply<T>(ref T mine, in T theirs)
                where T : struct, IFactTable<T> => mine.ForgetDead(dead);
        }
    }
}
