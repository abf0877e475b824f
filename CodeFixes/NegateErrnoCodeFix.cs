using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD304: negates the positive Errno constant where it is written (the return, or the local's assignment).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NegateErrnoCodeFix))]
    public sealed class NegateErrnoCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Negate the errno";

        public NegateErrnoCodeFix()
            : base("KD304", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0 ||
                root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not MemberAccessExpressionSyntax errno)
            {
                return null;
            }

            var negated = SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, errno.WithoutTrivia()).WithTriviaFrom(errno);
            return root.ReplaceNode(errno, negated);
        }
    }
}
