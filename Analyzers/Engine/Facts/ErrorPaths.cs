using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD302 across a label: where paths on which a local holds an error join paths on which it does not
    /// (<c>ret = -Errno.EEXIST; goto out_unlock; … ret = 0; out_unlock: pte.Unlock(); return ret;</c>), the join loses
    /// which value the local has, not what the error paths held. The one relation between two tables (an error in
    /// <see cref="ValueFacts"/>, the charges in <see cref="ChargeSet"/> and <see cref="SiteFacts"/>), so it is made here,
    /// where both sides of a join are at hand: what every error path held goes into the local's
    /// <see cref="ErrorFact.Held"/>. Only such joins pay for it.
    /// </summary>
    internal static class ErrorPaths
    {
        /// <summary>Before <paramref name="mine"/> joins <paramref name="theirs"/>: what each side's error paths hold, for the locals only one side holds an error in.</summary>
        public static List<(ISymbol Local, HeldOnError Held)>? Before(FlowFacts mine, FlowFacts theirs, SiteSet chargeSites)
        {
            if (mine.Known.Errors.Count == 0 && theirs.Known.Errors.Count == 0 && mine.Known.Constants.Count == 0 && theirs.Known.Constants.Count == 0)
            {
                return null;
            }

            List<(ISymbol, HeldOnError)>? held = null;
            Collect(mine, theirs, chargeSites, ref held);
            Collect(theirs, mine, chargeSites, ref held);
            return held;
        }

        /// <summary>After the join: the error paths' charges, added to what the local's error paths already held.</summary>
        public static bool After(FlowFacts joined, List<(ISymbol Local, HeldOnError Held)> held)
        {
            bool changed = false;
            foreach (var (local, charges) in held)
            {
                joined.Known.Errors.TryGetValue(local, out var error);
                var union = error.Held.Union(charges);
                if (!union.IsEmpty && !union.Equals(error.Held))
                {
                    joined.Known.Errors[local] = error.WithHeld(union);
                    changed = true;
                }
            }

            return changed;
        }

        private static void Collect(FlowFacts erring, FlowFacts other, SiteSet chargeSites, ref List<(ISymbol, HeldOnError)>? held)
        {
            foreach (var pair in erring.Known.Errors.Pairs)
            {
                if (pair.Value.Known && !other.Known.HoldsError(pair.Key))
                {
                    Add(erring, pair.Key, chargeSites, ref held);
                }
            }

            foreach (var pair in erring.Known.Constants.Pairs)
            {
                if (pair.Value.Value < 0 && !(erring.Known.Errors.TryGetValue(pair.Key, out var error) && error.Known) && !other.Known.HoldsError(pair.Key))
                {
                    Add(erring, pair.Key, chargeSites, ref held);
                }
            }
        }

        /// <summary>
        /// What every path of <paramref name="erring"/> holds: charges on objects (held the same on each, counted), and the
        /// objects of <paramref name="chargeSites"/> held. What only some paths hold is left out: at a label the success
        /// paths share, that would be a guess on top of a guess.
        /// </summary>
        private static void Add(FlowFacts erring, ISymbol local, SiteSet chargeSites, ref List<(ISymbol, HeldOnError)>? held)
        {
            erring.Known.Errors.TryGetValue(local, out var error);
            var charges = error.Held;
            foreach (var pair in erring.Charges.Held.Pairs)
            {
                if (!pair.Value.May && !pair.Value.IsMany)
                {
                    charges = charges.With(pair.Key);
                }
            }

            foreach (int site in chargeSites)
            {
                if (erring.Sites.Facts[site] == Fact.Held)
                {
                    charges = charges.With(site);
                }
            }

            if (!charges.IsEmpty)
            {
                (held ??= new List<(ISymbol, HeldOnError)>()).Add((local, charges));
            }
        }
    }
}
