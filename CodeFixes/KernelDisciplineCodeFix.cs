using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>
    /// What every KernelDiscipline fix shares: one rule, Fix All through the batch fixer, the document's root and
    /// model fetched once, and a code action whose result is simplified and formatted.
    /// </summary>
    public abstract class KernelDisciplineCodeFix : CodeFixProvider
    {
        private readonly string title;

        protected KernelDisciplineCodeFix(string ruleId, string title)
        {
            FixableDiagnosticIds = ImmutableArray.Create(ruleId);
            this.title = title;
        }

        /// <inheritdoc />
        public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

        /// <inheritdoc />
        public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            var diagnostic = context.Diagnostics[0];
            var fixedRoot = Fix(root, model, diagnostic);
            if (fixedRoot is null)
            {
                return; // no fix is clearly right here: the rule's doc page shows the manual one
            }

            context.RegisterCodeFix(
                CodeAction.Create(TitleFor(diagnostic) ?? title, cancellation => FixSyntax.CleanupAsync(context.Document.WithSyntaxRoot(fixedRoot), cancellation), GetType().Name),
                diagnostic);
        }

        /// <summary>The fixed root, or null when no fix is offered for this diagnostic.</summary>
        protected abstract SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic);

        /// <summary>A title for this diagnostic when it differs from the fix's usual one.</summary>
        protected virtual string? TitleFor(Diagnostic diagnostic) => null;
    }
}
