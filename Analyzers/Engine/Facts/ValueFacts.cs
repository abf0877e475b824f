using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What is known of values: constants of integer locals, flow captures, locals that hold an error.</summary>
    internal struct ValueFacts : IFactTable<ValueFacts>
    {
        /// <summary>Known constants of integer and enum locals and parameters (absent = unknown).</summary>
        public LazyMap<ISymbol, ConstValue> Constants;

        /// <summary>Values of the CFG's flow captures (they may span blocks).</summary>
        public LazyMap<CaptureId, AbstractValue> Captures;

        /// <summary>KD302: locals and parameters known to hold an error result here (tested negative, or non-zero errnos).</summary>
        public LazyMap<ISymbol, bool> Errors;

        public void CopyFrom(in ValueFacts from)
        {
            Constants = from.Constants.Clone();
            Captures = from.Captures.Clone();
            Errors = from.Errors.Clone();
        }

        public bool JoinWith(in ValueFacts other)
        {
            bool changed = false;
            foreach (var symbol in Constants.KeyList())
            {
                Constants.TryGetValue(symbol, out var mine);
                var joined = other.Constants.TryGetValue(symbol, out var theirs) ? mine.Join(theirs) : ConstValue.Unknown;
                if (!joined.IsKnown)
                {
                    Constants.Remove(symbol);
                    changed = true;
                }
                else if (!joined.Equals(mine))
                {
                    Constants[symbol] = joined;
                    changed = true;
                }
            }

            foreach (var pair in other.Captures.Pairs)
            {
                if (!Captures.TryGetValue(pair.Key, out var mine))
                {
                    Captures[pair.Key] = pair.Value;
                    changed = true;
                    continue;
                }

                var joined = mine.Join(pair.Value);
                if (!joined.Resources.Equals(mine.Resources) || !joined.Constant.Equals(mine.Constant))
                {
                    Captures[pair.Key] = joined;
                    changed = true;
                }
            }

            // An error is known only where both sides know it.
            foreach (var symbol in Errors.KeyList())
            {
                if (!other.Errors.ContainsKey(symbol))
                {
                    Errors.Remove(symbol);
                    changed = true;
                }
            }

            return changed;
        }

        public void Forget(ControlFlowRegion region)
        {
            foreach (var capture in region.CaptureIds)
            {
                Captures.Remove(capture);
            }

            TableJoins.ForgetLocals(ref Constants, region);
            TableJoins.ForgetLocals(ref Errors, region);
        }

        public void ForgetDead(DeadVariables dead)
        {
            TableJoins.ForgetDead(ref Constants, dead);
            TableJoins.ForgetDead(ref Errors, dead);
        }

        /// <summary>
        /// Whether every exit reached from here returns the same known values on these paths as on <paramref name="other"/>'s:
        /// the engine knows values only through constants of locals and captures.
        /// </summary>
        public bool SameOutcomes(in ValueFacts other)
        {
            if (Constants.Count != other.Constants.Count)
            {
                return false;
            }

            foreach (var pair in Constants.Pairs)
            {
                if (!other.Constants.TryGetValue(pair.Key, out var theirs) || theirs.Value != pair.Value.Value)
                {
                    return false;
                }
            }

            foreach (var pair in Captures.Pairs)
            {
                var mine = pair.Value.Constant;
                var theirs = other.Captures.TryGetValue(pair.Key, out var value) ? value.Constant : ConstValue.Unknown;
                if (mine.IsKnown != theirs.IsKnown || mine.Value != theirs.Value)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether a flow capture may still hold what site <paramref name="site"/> returned.</summary>
        public bool CapturesSite(int site)
        {
            foreach (var value in Captures.Values)
            {
                if (value.Resources.Contains(site))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
