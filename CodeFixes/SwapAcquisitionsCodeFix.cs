using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>
    /// KD201: when the two acquisitions are adjacent statements of one block, take them in the declared order by
    /// swapping them. Nothing runs between them, so nothing can depend on the old order; the releases stay as they
    /// are (the order of releases cannot deadlock).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwapAcquisitionsCodeFix))]
    public sealed class SwapAcquisitionsCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Take the locks in the declared order";

        public SwapAcquisitionsCodeFix()
            : base("KD201", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0)
            {
                return null;
            }

            var later = Statement(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true));
            var earlier = Statement(root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true));
            if (later is null || earlier is null || earlier.Parent is not BlockSyntax block || later.Parent != block ||
                block.Statements.IndexOf(later) != block.Statements.IndexOf(earlier) + 1)
            {
                return null;
            }

            var swapped = block.ReplaceNodes(new StatementSyntax[] { earlier, later },
                (original, _) => original == earlier ? later.WithTriviaFrom(earlier) : earlier.WithTriviaFrom(later));
            return root.ReplaceNode(block, swapped);
        }

        /// <summary>The acquisition as a whole statement: <c>x.Lock();</c> or <c>var l = pmd.Lock();</c>.</summary>
        private static StatementSyntax? Statement(SyntaxNode node)
        {
            var statement = node.FirstAncestorOrSelf<StatementSyntax>();
            return statement switch
            {
                ExpressionStatementSyntax { Expression: InvocationExpressionSyntax } => statement,
                LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } declaration
                    when declaration.Declaration.Variables[0].Initializer?.Value is InvocationExpressionSyntax => statement,
                _ => null,
            };
        }
    }
}
