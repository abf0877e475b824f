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
            if (diagnostic.AdditionalLocations.Count == 0)
            {
                return null;
            }

            switch (root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true))
            {
                case MemberAccessExpressionSyntax errno:
                    return root.ReplaceNode(errno, Negated(errno).WithTriviaFrom(errno));
                case QualifiedNameSyntax { Parent: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.IsExpression } test } errno when test.Right == errno:
                    // `err is Errno.ENOMEM` parses as a type test; negated it is a constant pattern.
                    var constant = SyntaxFactory.ParseExpression(errno.WithoutTrivia().ToString());
                    var pattern = SyntaxFactory.IsPatternExpression(test.Left, test.OperatorToken, SyntaxFactory.ConstantPattern(Negated(constant)));
                    return root.ReplaceNode(test, pattern.WithTriviaFrom(test));
                default:
                    return null;
            }
        }

        private static ExpressionSyntax Negated(ExpressionSyntax errno) =>
            SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, errno.WithoutTrivia());
    }
}
