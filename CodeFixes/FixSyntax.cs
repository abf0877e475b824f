using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>Syntax the fixes share: the kernel's failure statements and where a function's body is.</summary>
    internal static class FixSyntax
    {
        private const string Runtime = "global::KernelDiscipline.Runtime.";

        /// <summary><c>-Errno.EAGAIN</c>, simplified to the shortest name in scope.</summary>
        public static ExpressionSyntax MinusEagain() =>
            SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression,
                SyntaxFactory.ParseExpression(Runtime + "Errno.EAGAIN").WithAdditionalAnnotations(Simplifier.Annotation));

        /// <summary><c>VmFault.NoPage</c>: for a fault handler the refault is the retry.</summary>
        public static ExpressionSyntax NoPage() =>
            SyntaxFactory.ParseExpression(Runtime + "VmFault.NoPage").WithAdditionalAnnotations(Simplifier.Annotation);

        public static StatementSyntax Statement(string text) =>
            SyntaxFactory.ParseStatement(text).WithTrailingTrivia(SyntaxFactory.ElasticLineFeed).WithAdditionalAnnotations(Formatter.Annotation);

        /// <summary>
        /// Simplifies and formats what the fix annotated. Hosts usually do this after a code action, but not every
        /// host does (a bare workspace does not), and doing it here makes the fix's output the same everywhere.
        /// </summary>
        public static async Task<Document> CleanupAsync(Document document, CancellationToken cancellation)
        {
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellation).ConfigureAwait(false);
            return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellation).ConfigureAwait(false);
        }

        /// <summary>The method, local function, lambda or accessor a node belongs to.</summary>
        /// <summary>Puts <paramref name="inserted"/> right before <paramref name="statement"/>, in a new block when the statement is embedded (<c>if (x) return;</c>).</summary>
        public static TRoot InsertBefore<TRoot>(TRoot root, StatementSyntax statement, StatementSyntax inserted)
            where TRoot : SyntaxNode =>
            statement.Parent is BlockSyntax or SwitchSectionSyntax
                ? root.InsertNodesBefore(statement, new[] { inserted })
                : root.ReplaceNode(statement, SyntaxFactory.Block(inserted, statement.WithoutTrivia()).WithTriviaFrom(statement).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation));

        public static SyntaxNode? EnclosingFunction(SyntaxNode node) =>
            node.FirstAncestorOrSelf<SyntaxNode>(n => n is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax
                or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax);

        public static IMethodSymbol? FunctionSymbol(SyntaxNode function, SemanticModel model) => function switch
        {
            AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda).Symbol as IMethodSymbol,
            _ => model.GetDeclaredSymbol(function) as IMethodSymbol,
        };

        public static BlockSyntax? Body(SyntaxNode function) => function switch
        {
            BaseMethodDeclarationSyntax method => method.Body,
            LocalFunctionStatementSyntax local => local.Body,
            AnonymousFunctionExpressionSyntax lambda => lambda.Block,
            AccessorDeclarationSyntax accessor => accessor.Body,
            _ => null,
        };

        /// <summary>
        /// What the kernel does when a map fails here: go back to the label in front of the acquisition, retry an
        /// endless loop, or return -EAGAIN / VmFault.NoPage (a silent return where the function has no result).
        /// </summary>
        public static StatementSyntax? FailureStatement(StatementSyntax acquisition, SemanticModel model, Compilation compilation)
        {
            if (acquisition.Parent is LabeledStatementSyntax label)
            {
                return Statement($"goto {label.Identifier.ValueText};");
            }

            var function = EnclosingFunction(acquisition);
            for (var node = acquisition.Parent; node != null && node != function; node = node.Parent)
            {
                if (IsEndlessLoop(node))
                {
                    return Statement("continue;");
                }
            }

            // Top-level statements have no function syntax: their symbol is the synthesized entry point.
            var symbol = function is null ? model.GetEnclosingSymbol(acquisition.SpanStart) as IMethodSymbol : FunctionSymbol(function, model);
            if (symbol is null)
            {
                return null;
            }

            var type = symbol.ReturnType;
            if (symbol.IsAsync && type is INamedTypeSymbol { Name: "Task" or "ValueTask" } task)
            {
                // An async method returns its task's result: `return;` for Task, the value for Task<int>.
                if (task.TypeArguments.Length == 0)
                {
                    return Statement("return;");
                }

                type = task.TypeArguments[0];
            }
            else if (symbol.ReturnsVoid)
            {
                return Statement("return;");
            }

            if (type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
            {
                return SyntaxFactory.ReturnStatement(MinusEagain()).WithAdditionalAnnotations(Formatter.Annotation);
            }

            if (SymbolEqualityComparer.Default.Equals(type, compilation.GetTypeByMetadataName("KernelDiscipline.Runtime.VmFault")))
            {
                return SyntaxFactory.ReturnStatement(NoPage()).WithAdditionalAnnotations(Formatter.Annotation);
            }

            return type.SpecialType == SpecialType.System_Boolean ? Statement("return false;") : null;
        }

        private static bool IsEndlessLoop(SyntaxNode node) => node switch
        {
            WhileStatementSyntax loop => loop.Condition.IsKind(SyntaxKind.TrueLiteralExpression),
            DoStatementSyntax loop => loop.Condition.IsKind(SyntaxKind.TrueLiteralExpression),
            ForStatementSyntax loop => loop.Condition is null,
            _ => false,
        };
    }
}
