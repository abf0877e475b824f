using System.Collections.Generic;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The resources carried by values (KD101–KD103, KD302's returned charges): per acquisition site what its latest
    /// result may be, and which variables may hold it.
    /// </summary>
    internal struct SiteFacts : IFactTable<SiteFacts>
    {
        /// <summary>Per acquisition site: what its latest resource may be.</summary>
        public Fact[] Facts;

        /// <summary>Which resources each followed path may hold.</summary>
        public LazyMap<PathKey, SiteSet> Vars;

        /// <summary>
        /// Variables that hold a followed resource on some of the joined paths only (on others something else, such as
        /// null): a null test of one says nothing about whether the acquisition failed.
        /// </summary>
        public LazyMap<PathKey, bool> Partial;

        /// <summary>
        /// Failed acquisitions whose paths were folded into this partition (<see cref="FlowState.Fold"/>): every exit
        /// reached from here is judged for them too (KD102).
        /// </summary>
        public SiteSet Failed;

        /// <summary>
        /// Per [Acquires(Returns = "x")] site: the lock its latest result is, in this body's terms (<c>pmd.LockPointer</c>),
        /// on every joined path (a name the paths disagree on, or whose variable was written since, is gone).
        /// </summary>
        public LazyMap<int, ReturnedName> Names;

        public SiteFacts(int sites)
        {
            Facts = sites == 0 ? System.Array.Empty<Fact>() : new Fact[sites];
            Vars = default;
            Partial = default;
            Failed = default;
            Names = default;
        }

        public void CopyFrom(in SiteFacts from)
        {
            // A body has a few sites: a loop beats Array.Copy, whose checks cost more than the copy.
            var to = Facts;
            var source = from.Facts;
            for (int i = 0; i < to.Length; i++)
            {
                to[i] = source[i];
            }

            Vars = from.Vars.Clone();
            Partial = from.Partial.Clone();
            Failed = from.Failed;
            Names = from.Names.Clone();
        }

        public bool JoinWith(in SiteFacts other)
        {
            bool changed = Names.Count > 0 || other.Names.Count > 0 ? JoinNames(other) : false;
            for (int i = 0; i < Facts.Length; i++)
            {
                var joined = Facts[i] | other.Facts[i];
                changed |= joined != Facts[i];
                Facts[i] = joined;
            }

            List<PathKey>? partial = null;
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

            return changed;
        }

        /// <summary>
        /// A name matters only where its site holds its result: where one side's paths hold it, that side's name; where
        /// both do, or neither, what the two names agree on. Symmetric, so the order of the predecessors does not
        /// matter. Reads the site facts before they are joined.
        /// </summary>
        private bool JoinNames(in SiteFacts other)
        {
            List<int>? sites = null;
            foreach (var pair in Names.Pairs)
            {
                (sites ??= new List<int>()).Add(pair.Key);
            }

            foreach (var pair in other.Names.Pairs)
            {
                if (!Names.ContainsKey(pair.Key))
                {
                    (sites ??= new List<int>()).Add(pair.Key);
                }
            }

            bool changed = false;
            foreach (int site in sites!)
            {
                bool mineHeld = (Facts[site] & Fact.Held) != 0, theirsHeld = (other.Facts[site] & Fact.Held) != 0;
                Names.TryGetValue(site, out var mine);
                other.Names.TryGetValue(site, out var theirs);
                var joined = mineHeld == theirsHeld ? mine.Meet(theirs) : mineHeld ? mine : theirs;
                if (joined.IsEmpty)
                {
                    changed |= Names.Remove(site);
                }
                else if (!mine.Equals(joined))
                {
                    Names[site] = joined;
                    changed = true;
                }
            }

            return changed;
        }

        public void Forget(ControlFlowRegion region)
        {
            foreach (var local in region.Locals)
            {
                // A local that still holds a held resource names it in the leak report: keep that one.
                var key = new PathKey(local, null);
                if (Vars.TryGetValue(key, out SiteSet resources) && !HoldsAny(resources))
                {
                    Vars.Remove(key);
                }
            }
        }

        public void ForgetDead(DeadVariables dead)
        {
            List<PathKey>? gone = null;
            foreach (var pair in Vars.Pairs)
            {
                if (dead.Contains(pair.Key.Root) && !HoldsAny(pair.Value))
                {
                    (gone ??= new List<PathKey>()).Add(pair.Key);
                }
            }

            if (gone != null)
            {
                foreach (var key in gone)
                {
                    Vars.Remove(key);
                }
            }
        }

        /// <summary>A variable is written: the names of returned locks reached through it (its root, or an index) name another object now.</summary>
        public void ForgetNamesThrough(Microsoft.CodeAnalysis.ISymbol variable)
        {
            if (Names.Count == 0)
            {
                return;
            }

            foreach (int site in Names.KeyList())
            {
                Names.TryGetValue(site, out var name);
                var kept = name.Without(variable);
                if (kept.IsEmpty)
                {
                    Names.Remove(site);
                }
                else if (!kept.Equals(name))
                {
                    Names[site] = kept;
                }
            }
        }

        /// <summary>Whether a variable may still hold what site <paramref name="site"/> returned.</summary>
        public bool Holds(int site, DeadVariables? dead = null)
        {
            foreach (var pair in Vars.Pairs)
            {
                if (pair.Value.Contains(site) && !(dead is { } d && d.Contains(pair.Key.Root)))
                {
                    return true;
                }
            }

            return false;
        }

        public bool HoldsAny(SiteSet resources)
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
    }
}
