using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>
    /// What every KernelDiscipline fix shares: one rule, one equivalence key, Fix All through the batch fixer (also
    /// when the host asks without a key, as <c>dotnet format</c> does), the document's root and model fetched once,
    /// and a code action whose result is simplified and formatted.
    /// </summary>
    public abstract class KernelDisciplineCodeFix : CodeFixProvider
    {
        private readonly string title;
        private readonly FixAllProvider fixAll;

        protected KernelDisciplineCodeFix(string ruleId, string title)
        {
            FixableDiagnosticIds = ImmutableArray.Create(ruleId);
            this.title = title;
            fixAll = new AnyKeyFixAllProvider(EquivalenceKey);
        }

        /// <inheritdoc />
        public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

        /// <summary>The one equivalence key of this fix's actions: they are all the same kind of change.</summary>
        public string EquivalenceKey => GetType().Name;

        /// <inheritdoc />
        public sealed override FixAllProvider GetFixAllProvider() => fixAll;

        /// <inheritdoc />
        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                // Hosts may hand over diagnostics of other rules (dotnet format passes the project's first one).
                if (!FixableDiagnosticIds.Contains(diagnostic.Id))
                {
                    continue;
                }

                var fixedRoot = Fix(root, model, diagnostic);
                if (fixedRoot is null)
                {
                    continue; // no fix is clearly right here: the rule's doc page shows the manual one
                }

                context.RegisterCodeFix(
                    CodeAction.Create(TitleFor(diagnostic) ?? title, cancellation => FixSyntax.CleanupAsync(context.Document.WithSyntaxRoot(fixedRoot), cancellation), EquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary>The fixed root, or null when no fix is offered for this diagnostic.</summary>
        protected abstract SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic);

        /// <summary>A title for this diagnostic when it differs from the fix's usual one.</summary>
        protected virtual string? TitleFor(Diagnostic diagnostic) => null;

        /// <summary>
        /// The batch fixer, given this fix's key when the host passes none. <c>dotnet format</c> takes the key from
        /// the first diagnostic it finds; when no fix is offered for that one it passes null, and the batch fixer
        /// would then match no action and fix nothing.
        /// </summary>
        private sealed class AnyKeyFixAllProvider : FixAllProvider
        {
            private readonly string key;

            public AnyKeyFixAllProvider(string key) => this.key = key;

            public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => WellKnownFixAllProviders.BatchFixer.GetSupportedFixAllScopes();

            public override Task<CodeAction?> GetFixAsync(FixAllContext context)
            {
                if (context.CodeActionEquivalenceKey != null)
                {
                    return WellKnownFixAllProviders.BatchFixer.GetFixAsync(context);
                }

                var provider = new Delegating(context);
                var keyed = context.Document is { } document
                    ? new FixAllContext(document, context.CodeFixProvider, context.Scope, key, context.DiagnosticIds, provider, context.CancellationToken)
                    : new FixAllContext(context.Project, context.CodeFixProvider, context.Scope, key, context.DiagnosticIds, provider, context.CancellationToken);
                return WellKnownFixAllProviders.BatchFixer.GetFixAsync(keyed);
            }

            /// <summary>The host's diagnostics, as the original context finds them.</summary>
            private sealed class Delegating : FixAllContext.DiagnosticProvider
            {
                private readonly FixAllContext original;

                public Delegating(FixAllContext original) => this.original = original;

                public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                    await original.WithCancellationToken(cancellationToken).GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);

                public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                    await original.WithCancellationToken(cancellationToken).GetProjectDiagnosticsAsync(project).ConfigureAwait(false);

                public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                    await original.WithCancellationToken(cancellationToken).GetAllDiagnosticsAsync(project).ConfigureAwait(false);
            }
        }
    }
}
