using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A cheap, conservative liveness of locals and parameters by position: a variable is dead at a point when no
    /// read of it comes after that point in the text, nor inside a loop (a loop statement, or the span of a
    /// backward goto) that contains the point. Linear in the body; used to fold partitions whose difference nothing
    /// can observe any more.
    /// </summary>
    internal sealed class Liveness
    {
        private readonly Dictionary<ISymbol, int> liveUntil = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);

        /// <summary>Names used inside the lambdas and local functions of the body: the locals they may capture.</summary>
        private readonly HashSet<string> namesInNestedFunctions = new HashSet<string>(System.StringComparer.Ordinal);

        public Liveness(ControlFlowGraph cfg)
        {
            var loops = Scan(cfg.OriginalOperation.Syntax);
            foreach (var block in cfg.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    Note(operation, loops);
                }

                if (block.BranchValue != null)
                {
                    Note(block.BranchValue, loops);
                }
            }
        }

        /// <summary>Whether a lambda or local function of the body may capture this local (by name: conservative).</summary>
        public bool IsCaptured(ISymbol symbol) => symbol is ILocalSymbol or IParameterSymbol && namesInNestedFunctions.Contains(symbol.Name);

        /// <summary>Whether <paramref name="symbol"/> is never read at or after <paramref name="position"/>.</summary>
        public bool DeadAt(ISymbol symbol, int position) =>
            symbol is ILocalSymbol or IParameterSymbol { RefKind: RefKind.None } &&
            (!liveUntil.TryGetValue(symbol, out int end) || end < position);

        /// <summary>The text position where a block starts, or -1 when it has no operation to tell.</summary>
        public static int PositionOf(BasicBlock block) =>
            block.Operations.Length > 0 ? block.Operations[0].Syntax.SpanStart : block.BranchValue?.Syntax.SpanStart ?? -1;

        private void Note(IOperation root, List<TextSpan> loops)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                ISymbol? symbol = operation switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (symbol is null || operation.Parent is ISimpleAssignmentOperation { Target: var target } && target == operation)
                {
                    continue; // a write is no read
                }

                int end = operation.Syntax.Span.End;
                foreach (var loop in loops)
                {
                    if (loop.Contains(operation.Syntax.SpanStart) && loop.End > end)
                    {
                        end = loop.End;
                    }
                }

                if (!liveUntil.TryGetValue(symbol, out int known) || known < end)
                {
                    liveUntil[symbol] = end;
                }
            }
        }

        /// <summary>
        /// One walk of the body's syntax: the loops (loop statements and backward gotos) and the names used inside
        /// lambdas and local functions.
        /// </summary>
        private List<TextSpan> Scan(SyntaxNode body)
        {
            var loops = new List<TextSpan>();
            Dictionary<string, int>? labels = null;
            List<GotoStatementSyntax>? gotos = null;
            int nestedEnd = -1; // the end of the lambda or local function the walk is inside, if any
            foreach (var node in body.DescendantNodesAndSelf())
            {
                if (node.SpanStart >= nestedEnd)
                {
                    nestedEnd = node != body && node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax ? node.Span.End : -1;
                }
                else if (node is IdentifierNameSyntax identifier)
                {
                    namesInNestedFunctions.Add(identifier.Identifier.ValueText);
                }

                switch (node)
                {
                    case ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                        loops.Add(node.Span);
                        break;
                    case LabeledStatementSyntax label:
                        (labels ??= new Dictionary<string, int>(System.StringComparer.Ordinal))[label.Identifier.ValueText] = label.SpanStart;
                        break;
                    case GotoStatementSyntax { RawKind: (int)SyntaxKind.GotoStatement, Expression: IdentifierNameSyntax } jump:
                        (gotos ??= new List<GotoStatementSyntax>()).Add(jump);
                        break;
                }
            }

            foreach (var jump in gotos ?? (IEnumerable<GotoStatementSyntax>)System.Array.Empty<GotoStatementSyntax>())
            {
                if (labels != null && labels.TryGetValue(((IdentifierNameSyntax)jump.Expression!).Identifier.ValueText, out int label) && label < jump.SpanStart)
                {
                    loops.Add(TextSpan.FromBounds(label, jump.Span.End));
                }
            }

            return loops;
        }
    }
}
