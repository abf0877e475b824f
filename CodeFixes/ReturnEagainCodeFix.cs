using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD102: on the failed-map path, return -EAGAIN (VmFault.NoPage in a fault handler) instead.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReturnEagainCodeFix))]
    public sealed class ReturnEagainCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Return -EAGAIN so the caller retries";

        /// <summary>Property the analyzer sets when the fix applies: "Errno" or "VmFault".</summary>
        private const string ReplacementProperty = "Replacement";

        public ReturnEagainCodeFix()
            : base("KD102", Title)
        {
        }

        /// <inheritdoc />
        protected override string? TitleFor(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(ReplacementProperty, out var kind) && kind == "VmFault" ? "Return VmFault.NoPage so the access refaults" : null;

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(ReplacementProperty, out var kind) || kind is null)
            {
                return null;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var value = kind == "VmFault" ? FixSyntax.NoPage() : FixSyntax.MinusEagain();
            SyntaxNode? replaced = node switch
            {
                ThrowStatementSyntax => node,
                ExpressionSyntax when node.Parent is ReturnStatementSyntax or ArrowExpressionClauseSyntax => node,
                _ => null,
            };
            if (replaced is null)
            {
                return null;
            }

            SyntaxNode replacement = replaced is ThrowStatementSyntax
                ? SyntaxFactory.ReturnStatement(value).WithTriviaFrom(replaced).WithAdditionalAnnotations(Formatter.Annotation)
                : value.WithTriviaFrom(replaced);
            return root.ReplaceNode(replaced, replacement);
        }
    }
}
