using System.Collections.Generic;
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

        /// <summary>
        /// KD302: locals and parameters known to hold an error result here (tested negative, or non-zero errnos), and
        /// what the paths on which they hold one still hold.
        /// </summary>
        public LazyMap<ISymbol, ErrorFact> Errors;

        public void CopyFrom(in ValueFacts from)
        {
            Constants = from.Constants.Clone();
            Captures = from.Captures.Clone();
            Errors = from.Errors.Clone();
        }

        /// <summary>Whether a variable holds an error on every path here: tested as one, or a negative constant.</summary>
        public bool HoldsError(ISymbol symbol) =>
            (Errors.TryGetValue(symbol, out var error) && error.Known) || (Constants.TryGetValue(symbol, out var constant) && constant.Value < 0);

        public bool JoinWith(in ValueFacts other)
        {
            // Errors first: they read both sides' constants as they were. An error on both sides stays one, whatever its
            // value (-EEXIST and -ENOMEM joined at an `out_unlock:` label); what its error paths held joins as a union.
            bool changed = JoinErrors(other);
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
                if (!joined.SameFacts(mine))
                {
                    Captures[pair.Key] = joined;
                    changed = true;
                }
            }

            return changed;
        }

        private bool JoinErrors(in ValueFacts other)
        {
            if (Errors.Count == 0 && other.Errors.Count == 0 && (Constants.Count == 0 || other.Constants.Count == 0))
            {
                return false; // the common case: no error known on either side
            }

            List<(ISymbol Symbol, ErrorFact Fact)>? changes = null;
            foreach (var pair in Errors.Pairs)
            {
                var held = other.Errors.TryGetValue(pair.Key, out var theirs) ? pair.Value.Held.Union(theirs.Held) : pair.Value.Held;
                var joined = ErrorFact.Of(HoldsError(pair.Key) && other.HoldsError(pair.Key) && !SameConstant(pair.Key, other), held);
                if (!joined.Equals(pair.Value))
                {
                    (changes ??= new List<(ISymbol, ErrorFact)>()).Add((pair.Key, joined));
                }
            }

            foreach (var pair in other.Errors.Pairs)
            {
                if (!Errors.ContainsKey(pair.Key))
                {
                    var joined = ErrorFact.Of(HoldsError(pair.Key) && other.HoldsError(pair.Key) && !SameConstant(pair.Key, other), pair.Value.Held);
                    if (!joined.IsEmpty)
                    {
                        (changes ??= new List<(ISymbol, ErrorFact)>()).Add((pair.Key, joined));
                    }
                }
            }

            // Negative on both sides but not the same value: the constant goes, the error stays known.
            foreach (var pair in Constants.Pairs)
            {
                if (pair.Value.Value < 0 && !Errors.ContainsKey(pair.Key) && !other.Errors.ContainsKey(pair.Key) && other.HoldsError(pair.Key) &&
                    !SameConstant(pair.Key, other))
                {
                    (changes ??= new List<(ISymbol, ErrorFact)>()).Add((pair.Key, ErrorFact.KnownError));
                }
            }

            if (changes is null)
            {
                return false;
            }

            foreach (var (symbol, fact) in changes)
            {
                if (fact.IsEmpty)
                {
                    Errors.Remove(symbol);
                }
                else
                {
                    Errors[symbol] = fact;
                }
            }

            return true;
        }

        /// <summary>Both sides know the same constant for it: the constant says it all, no error entry is needed.</summary>
        private bool SameConstant(ISymbol symbol, in ValueFacts other) =>
            Constants.TryGetValue(symbol, out var mine) && other.Constants.TryGetValue(symbol, out var theirs) && mine.Value == theirs.Value;

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
