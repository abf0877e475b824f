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
    /// <summary>The locals and parameters no longer read at one position of the body.</summary>
    internal readonly struct DeadVariables
    {
        private readonly Liveness liveness;
        private readonly int position;

        public DeadVariables(Liveness liveness, int position)
        {
            this.liveness = liveness;
            this.position = position;
        }

        public bool Contains(ISymbol symbol) => liveness.DeadAt(symbol, position);
    }

    internal sealed class Liveness
    {
        // Sized for a typical body's variables: growing it was most of the cost of noting reads.
        private readonly Dictionary<ISymbol, int> liveUntil = new Dictionary<ISymbol, int>(32, SymbolEqualityComparer.Default);

        /// <summary>Names used inside the lambdas and local functions of the body: the locals they may capture.</summary>
        private readonly HashSet<string> namesInNestedFunctions = new HashSet<string>(System.StringComparer.Ordinal);

        private readonly List<TextSpan> loops;

        /// <summary>
        /// Reads the loops from the body's statements; the engine then hands over every local and parameter reference
        /// (<see cref="NoteRead"/>) and every lambda (<see cref="NoteNestedFunction"/>) in its one walk of the graph.
        /// </summary>
        public Liveness(ControlFlowGraph cfg) => loops = Scan(cfg.OriginalOperation.Syntax);

        /// <summary>Whether a lambda or local function of the body may capture this local (by name: conservative).</summary>
        public bool IsCaptured(ISymbol symbol) => symbol is ILocalSymbol or IParameterSymbol && namesInNestedFunctions.Contains(symbol.Name);

        /// <summary>Whether <paramref name="symbol"/> is never read at or after <paramref name="position"/>.</summary>
        public bool DeadAt(ISymbol symbol, int position) =>
            symbol is ILocalSymbol or IParameterSymbol { RefKind: RefKind.None } &&
            (!liveUntil.TryGetValue(symbol, out int end) || end < position);

        /// <summary>The variables dead at <paramref name="position"/>, as a test to hand on (no closure to allocate).</summary>
        public DeadVariables At(int position) => new DeadVariables(this, position);

        /// <summary>The text position where a block starts, or -1 when it has no operation to tell.</summary>
        public static int PositionOf(BasicBlock block) =>
            block.Operations.Length > 0 ? block.Operations[0].Syntax.SpanStart : block.BranchValue?.Syntax.SpanStart ?? -1;

        /// <summary>A local or parameter reference of the graph: a read keeps the variable live to its end (to its loop's end inside a loop).</summary>
        public void NoteRead(IOperation reference, ISymbol symbol)
        {
            if (reference.Parent is ISimpleAssignmentOperation { Target: var target } && target == reference)
            {
                return; // a write is no read
            }

            int start = reference.Syntax.SpanStart;
            int end = reference.IsImplicit ? ScopeEnd(reference.Syntax) : reference.Syntax.Span.End;
            foreach (var loop in loops)
            {
                if (loop.Contains(start) && loop.End > end)
                {
                    end = loop.End;
                }
            }

            if (!liveUntil.TryGetValue(symbol, out int known) || known < end)
            {
                liveUntil[symbol] = end;
            }
        }

        /// <summary>
        /// Where an implicit read may happen: a read the compiler adds (a using's dispose, a lock statement's taken
        /// flag) carries the syntax of the declaration, but runs when its scope ends, so it counts to the end of the
        /// enclosing block, switch section or file (top-level statements).
        /// </summary>
        private static int ScopeEnd(SyntaxNode syntax)
        {
            for (var node = syntax; node != null; node = node.Parent)
            {
                if (node is BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax)
                {
                    return node.Span.End;
                }
            }

            return syntax.Span.End;
        }

        /// <summary>A lambda or local function of the body: the names it uses may be captured locals.</summary>
        public void NoteNestedFunction(SyntaxNode function)
        {
            foreach (var node in function.DescendantNodes())
            {
                if (node is IdentifierNameSyntax identifier)
                {
                    namesInNestedFunctions.Add(identifier.Identifier.ValueText);
                }
            }
        }

        /// <summary>
        /// One walk of the body's statements (never into expressions: only lambdas hold statements there, and they are
        /// graphs of their own): the loops (loop statements and backward gotos) and the local functions.
        /// </summary>
        private List<TextSpan> Scan(SyntaxNode body)
        {
            var found = new List<TextSpan>();
            Dictionary<string, int>? labels = null;
            List<GotoStatementSyntax>? gotos = null;
            foreach (var node in body.DescendantNodesAndSelf(node => node == body || node is not ExpressionSyntax))
            {
                switch (node)
                {
                    case ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                        found.Add(node.Span);
                        break;
                    case LabeledStatementSyntax label:
                        (labels ??= new Dictionary<string, int>(System.StringComparer.Ordinal))[label.Identifier.ValueText] = label.SpanStart;
                        break;
                    case GotoStatementSyntax { RawKind: (int)SyntaxKind.GotoStatement, Expression: IdentifierNameSyntax } jump:
                        (gotos ??= new List<GotoStatementSyntax>()).Add(jump);
                        break;
                    case LocalFunctionStatementSyntax function when node != body:
                        NoteNestedFunction(function);
                        break;
                }
            }

            if (gotos != null && labels != null)
            {
                foreach (var jump in gotos)
                {
                    if (labels.TryGetValue(((IdentifierNameSyntax)jump.Expression!).Identifier.ValueText, out int label) && label < jump.SpanStart)
                    {
                        found.Add(TextSpan.FromBounds(label, jump.Span.End));
                    }
                }
            }

            return found;
        }
    }
}
