using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// What few bodies need, kept in one object made on first use (the engine is made once per body, so each field it
    /// always carries is paid by every body): the sites whose result carries a charge, acquisitions called through
    /// <c>?.</c>, the writes to each variable, how often a bound cut a fact.
    /// </summary>
    internal sealed partial class DataflowEngine
    {
        private RareState? rare;

        private RareState Rare => rare ??= new RareState();

        /// <summary>The acquisition sites whose result carries a charge ([return: Charges]).</summary>
        private SiteSet ChargeSites => rare?.ChargeSites ?? default;

        /// <summary>How often a bound cut a fact in this body (a charge counted as "many", or cut at an undo of "many").</summary>
        private int BoundsHit => rare?.BoundsHit ?? 0;

        /// <summary>A bound cut one fact; the rest of the body is analysed as before.</summary>
        private void BoundHit() => Rare.BoundsHit++;

        /// <summary>Site <paramref name="site"/> is called on the flow capture a <c>?.</c> tests (<c>pmd?.MapLock(a)</c>).</summary>
        private void NoteConditionalCall(CaptureId receiver, int site)
        {
            var calls = Rare.ConditionalCalls ??= new Dictionary<CaptureId, (ISymbol?, SiteSet)>();
            calls[receiver] = (null, (calls.TryGetValue(receiver, out var seen) ? seen.Sites : SiteSet.Empty).Union(SiteSet.Of(site)));
        }

        /// <summary>The variable each <c>?.</c> receiver captures: only one captured once, from a local or parameter, counts.</summary>
        private void FindConditionalReceivers()
        {
            var calls = rare!.ConditionalCalls!;
            var found = new Dictionary<CaptureId, ISymbol?>();
            foreach (var block in cfg.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    if (operation is IFlowCaptureOperation capture && calls.ContainsKey(capture.Id))
                    {
                        ISymbol? variable = Unwrap(capture.Value) switch
                        {
                            ILocalReferenceOperation local => local.Local,
                            IParameterReferenceOperation parameter => parameter.Parameter,
                            _ => null,
                        };
                        found[capture.Id] = found.ContainsKey(capture.Id) ? null : variable;
                    }
                }
            }

            foreach (var pair in found)
            {
                calls[pair.Key] = (pair.Value, calls[pair.Key].Sites);
            }
        }

        /// <summary>
        /// The acquisitions called through <c>?.</c> on <paramref name="variable"/> (<c>var pte = pmd?.MapLock(a);</c>), when
        /// its null means they were never made: a parameter never written, or a local written once, that no lambda or
        /// local function captures. Then its value is the one every <c>?.</c> on it saw.
        /// </summary>
        private SiteSet NotMadeWhenNull(ISymbol variable)
        {
            if (rare?.ConditionalCalls is not { } calls || liveness.IsCaptured(variable))
            {
                return SiteSet.Empty;
            }

            var sites = SiteSet.Empty;
            foreach (var call in calls.Values)
            {
                if (SymbolEqualityComparer.Default.Equals(call.Receiver, variable))
                {
                    sites = sites.Union(call.Sites);
                }
            }

            if (sites.IsEmpty)
            {
                return sites;
            }

            bool written = Writes().TryGetValue(variable, out var only);
            bool once = variable is IParameterSymbol { RefKind: RefKind.None } ? !written : variable is ILocalSymbol { IsRef: false } && written && only != null;
            return once ? sites : SiteSet.Empty;
        }

        /// <summary>The value of the only write to a local in this body (its initializer, mostly); null when it is written more than once or otherwise.</summary>
        private IOperation? OnlyWrite(ISymbol local) => local is ILocalSymbol { IsRef: false } && Writes().TryGetValue(local, out var only) ? only : null;

        /// <summary>Per local and parameter written in this body: the value of its only plain write, or null.</summary>
        private Dictionary<ISymbol, IOperation?> Writes()
        {
            if (Rare.Writes is { } known)
            {
                return known;
            }

            var writes = rare!.Writes = new Dictionary<ISymbol, IOperation?>(SymbolEqualityComparer.Default);
            foreach (var block in cfg.Blocks)
            {
                foreach (var root in block.Operations)
                {
                    foreach (var operation in root.DescendantsAndSelf())
                    {
                        switch (operation)
                        {
                            case ISimpleAssignmentOperation assignment:
                                NoteWrite(writes, assignment.Target, assignment.Value);
                                break;
                            case ICompoundAssignmentOperation compound:
                                NoteWrite(writes, compound.Target, null);
                                break;
                            case IIncrementOrDecrementOperation step:
                                NoteWrite(writes, step.Target, null);
                                break;
                            case IDeconstructionAssignmentOperation deconstruction:
                                foreach (var target in deconstruction.Target.DescendantsAndSelf())
                                {
                                    NoteWrite(writes, target, null);
                                }

                                break;
                            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                                NoteWrite(writes, argument.Value is IDeclarationExpressionOperation declared ? declared.Expression : argument.Value, null);
                                break;
                        }
                    }
                }
            }

            return writes;
        }

        private static void NoteWrite(Dictionary<ISymbol, IOperation?> writes, IOperation target, IOperation? value)
        {
            ISymbol? variable = Unwrap(target) switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (variable != null)
            {
                writes[variable] = writes.ContainsKey(variable) ? null : value;
            }
        }

        private sealed class RareState
        {
            public SiteSet ChargeSites;

            public int BoundsHit;

            /// <summary>
            /// Flow captures that are the receiver of acquisitions called through <c>?.</c>, with the variable captured (null:
            /// not one variable).
            /// </summary>
            public Dictionary<CaptureId, (ISymbol? Receiver, SiteSet Sites)>? ConditionalCalls;

            public Dictionary<ISymbol, IOperation?>? Writes;
        }
    }
}
