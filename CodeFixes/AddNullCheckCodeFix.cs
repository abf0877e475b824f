using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD101: check the fallible result right after it is stored, and retry or return -EAGAIN when it is null.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddNullCheckCodeFix))]
    public sealed class AddNullCheckCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Check for null: retry or return -EAGAIN";

        public AddNullCheckCodeFix()
            : base("KD101", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0)
            {
                return null;
            }

            var acquisition = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<InvocationExpressionSyntax>();
            var statement = acquisition?.FirstAncestorOrSelf<StatementSyntax>();
            var holder = acquisition is null || statement is null ? null : Holder(statement, acquisition);
            var anchor = statement?.Parent is LabeledStatementSyntax label ? label : statement;
            if (holder is null || anchor?.Parent is not (BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax))
            {
                return null;
            }

            var failure = FixSyntax.FailureStatement(statement!, model, model.Compilation);
            if (failure is null)
            {
                return null;
            }

            var check = SyntaxFactory.IfStatement(
                    SyntaxFactory.IsPatternExpression(holder, SyntaxFactory.ConstantPattern(SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression))),
                    failure)
                .WithAdditionalAnnotations(Formatter.Annotation);
            // A top-level statement sits in a global statement of the compilation unit: the check goes beside it.
            return anchor.Parent is GlobalStatementSyntax global
                ? root.InsertNodesAfter(global, new[] { SyntaxFactory.GlobalStatement(check) })
                : root.InsertNodesAfter(anchor, new[] { check });
        }

        /// <summary>The variable or member the acquisition is stored in, by a declaration or an assignment statement.</summary>
        private static ExpressionSyntax? Holder(StatementSyntax statement, InvocationExpressionSyntax acquisition)
        {
            switch (statement)
            {
                case LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables }
                    when Unparenthesize(variables[0].Initializer?.Value) == acquisition:
                    return SyntaxFactory.IdentifierName(variables[0].Identifier.ValueText);
                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment }
                    when Unparenthesize(assignment.Right) == acquisition && assignment.Left is IdentifierNameSyntax or MemberAccessExpressionSyntax:
                    return assignment.Left.WithoutTrivia();
                default:
                    return null;
            }
        }

        private static ExpressionSyntax? Unparenthesize(ExpressionSyntax? expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }
    }
}
