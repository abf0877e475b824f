using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD301: <c>Kernel.BugOn(cond);</c> becomes <c>if (Kernel.WarnOnOnce(cond)) return &lt;the method's error&gt;;</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WarnOnceAndRecoverCodeFix))]
    public sealed class WarnOnceAndRecoverCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Warn once and return the error instead of crashing";

        public WarnOnceAndRecoverCodeFix()
            : base("KD301", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue("Error", out var error) || error is null)
            {
                return null;
            }

            var call = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (call?.Parent is not ExpressionStatementSyntax statement || call.ArgumentList.Arguments.Count == 0 ||
                statement.Parent is not (BlockSyntax or SwitchSectionSyntax))
            {
                return null;
            }

            var condition = call.ArgumentList.Arguments[0].Expression.WithoutTrivia();
            var warn = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.ParseExpression("global::KernelDiscipline.Runtime.Kernel.WarnOnOnce").WithAdditionalAnnotations(Simplifier.Annotation),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(condition))));
            ExpressionSyntax value = error == "false"
                ? SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression)
                : SyntaxFactory.ParseExpression("global::KernelDiscipline.Runtime." + error.TrimStart('-')).WithAdditionalAnnotations(Simplifier.Annotation);
            if (error.StartsWith("-", System.StringComparison.Ordinal))
            {
                value = SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, value);
            }
            var replacement = SyntaxFactory.IfStatement(warn, SyntaxFactory.ReturnStatement(value))
                .WithTriviaFrom(statement)
                .WithAdditionalAnnotations(Formatter.Annotation);
            return root.ReplaceNode(statement, replacement);
        }
    }
}
