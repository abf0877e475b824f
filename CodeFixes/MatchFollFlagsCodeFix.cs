using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD303: drops FOLL_GET/FOLL_PIN from the flags written in the call, or adds FOLL_GET for a pages array.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MatchFollFlagsCodeFix))]
    public sealed class MatchFollFlagsCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Make the FOLL flags match the pages array";

        public MatchFollFlagsCodeFix()
            : base("KD303", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue("Action", out var action) || action is null ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call ||
                model.GetSymbolInfo(call).Symbol is not IMethodSymbol method)
            {
                return null;
            }

            // The flags argument: the one whose parameter is the [FollFlags] one, written in the call.
            ExpressionSyntax? flags = null;
            foreach (var argument in call.ArgumentList.Arguments)
            {
                if (model.GetOperation(argument) is Microsoft.CodeAnalysis.Operations.IArgumentOperation { Parameter: { } parameter } &&
                    parameter.GetAttributes().Any(a => a.AttributeClass?.Name == "FollFlagsAttribute"))
                {
                    flags = argument.Expression;
                }
            }

            if (flags is null)
            {
                return null;
            }

            ExpressionSyntax fixedFlags = action switch
            {
                "AddGet" => SyntaxFactory.BinaryExpression(SyntaxKind.BitwiseOrExpression, flags.WithoutTrivia(), Flag("Get")),
                "DropGet" => Without(flags, "Get"),
                "DropPin" => Without(flags, "Pin"),
                _ => flags,
            };
            return fixedFlags == flags ? null : root.ReplaceNode(flags, fixedFlags.WithTriviaFrom(flags));
        }

        private static ExpressionSyntax Flag(string name) =>
            SyntaxFactory.ParseExpression("global::KernelDiscipline.Runtime.GupFlags." + name).WithAdditionalAnnotations(Simplifier.Annotation);

        /// <summary>The flags without <paramref name="name"/>: an operand of an | chain dropped, or GupFlags.None for it alone.</summary>
        private static ExpressionSyntax Without(ExpressionSyntax flags, string name)
        {
            if (IsFlag(flags, name))
            {
                return Flag("None");
            }

            if (flags is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.BitwiseOrExpression } or)
            {
                if (IsFlag(or.Right, name))
                {
                    return or.Left.WithoutTrivia();
                }

                if (IsFlag(or.Left, name))
                {
                    return or.Right.WithoutTrivia();
                }

                var left = Without(or.Left, name);
                return left == or.Left ? flags : or.WithLeft(left);
            }

            return flags;
        }

        private static bool IsFlag(ExpressionSyntax expression, string name) =>
            expression is MemberAccessExpressionSyntax member && member.Name.Identifier.ValueText == name;
    }
}
