using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD102: on the failed-map path, return -EAGAIN (VmFault.NoPage in a fault handler) instead.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReturnEagainCodeFix))]
    [Shared]
    public sealed class ReturnEagainCodeFix : CodeFixProvider
    {
        public const string Title = "Return -EAGAIN so the caller retries";

        /// <summary>Property the analyzer sets when the fix applies: "Errno" or "VmFault".</summary>
        private const string ReplacementProperty = "Replacement";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("KD102");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (!diagnostic.Properties.TryGetValue(ReplacementProperty, out var kind) || kind is null)
            {
                return;
            }

            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var value = kind == "VmFault" ? FixSyntax.NoPage() : FixSyntax.MinusEagain();
            SyntaxNode? replaced = node switch
            {
                ThrowStatementSyntax => node,
                ExpressionSyntax when node.Parent is ReturnStatementSyntax or ArrowExpressionClauseSyntax => node,
                _ => null,
            };
            if (root is null || replaced is null)
            {
                return;
            }

            SyntaxNode replacement = replaced is ThrowStatementSyntax
                ? SyntaxFactory.ReturnStatement(value).WithTriviaFrom(replaced).WithAdditionalAnnotations(Formatter.Annotation)
                : value.WithTriviaFrom(replaced);
            string title = kind == "VmFault" ? "Return VmFault.NoPage so the access refaults" : Title;
            context.RegisterCodeFix(
                CodeAction.Create(title, cancellation => FixSyntax.CleanupAsync(context.Document.WithSyntaxRoot(root.ReplaceNode(replaced, replacement)), cancellation), nameof(ReturnEagainCodeFix)),
                diagnostic);
        }
    }
}
