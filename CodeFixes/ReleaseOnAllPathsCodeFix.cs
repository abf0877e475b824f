using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD103: release the map or lock on each path out that still holds it (<c>pte.Unlock()</c> before the return).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReleaseOnAllPathsCodeFix))]
    [Shared]
    public sealed class ReleaseOnAllPathsCodeFix : CodeFixProvider
    {
        public const string Title = "Release on every path out";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("KD103");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue("Holder", out var holder) || holder is null ||
                !properties.TryGetValue("Release", out var release) || release is null)
            {
                return; // a use after release, or nothing names the resource: the doc page shows the manual fix
            }

            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            string[] maybeNull = (properties.TryGetValue("ExitsMaybeNull", out var flags) ? flags : null)?.Split(',') ?? new string[0];
            var exits = new List<(ReturnStatementSyntax Return, bool MaybeNull)>();
            for (int i = 0; i < diagnostic.AdditionalLocations.Count; i++)
            {
                var exit = root.FindNode(diagnostic.AdditionalLocations[i].SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ReturnStatementSyntax>();
                // A return that reads the resource must not see it released first; leave that one to the author.
                if (exit is null || Mentions(exit, holder))
                {
                    return;
                }

                exits.Add((exit, i < maybeNull.Length && maybeNull[i] == "1"));
            }

            properties.TryGetValue("EndOfBody", out var endOfBody);
            var acquisition = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var function = FixSyntax.EnclosingFunction(acquisition);
            var body = function is null ? null : FixSyntax.Body(function);
            if (endOfBody != null && body is null)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    async cancellation =>
                    {
                        var editor = await DocumentEditor.CreateAsync(context.Document, cancellation).ConfigureAwait(false);
                        foreach (var (exit, exitMaybeNull) in exits)
                        {
                            var releaseStatement = Release(holder, release, exitMaybeNull);
                            if (exit.Parent is BlockSyntax)
                            {
                                editor.InsertBefore(exit, releaseStatement);
                            }
                            else
                            {
                                editor.ReplaceNode(exit, SyntaxFactory.Block(releaseStatement, exit.WithoutTrivia()).WithTriviaFrom(exit).WithAdditionalAnnotations(Formatter.Annotation));
                            }
                        }

                        if (endOfBody != null)
                        {
                            var releaseStatement = Release(holder, release, endOfBody == "maybe-null");
                            if (body!.Statements.Count > 0)
                            {
                                editor.InsertAfter(body.Statements.Last(), releaseStatement);
                            }
                            else
                            {
                                editor.ReplaceNode(body, body.AddStatements(releaseStatement));
                            }
                        }

                        return await FixSyntax.CleanupAsync(editor.GetChangedDocument(), cancellation).ConfigureAwait(false);
                    },
                    nameof(ReleaseOnAllPathsCodeFix)),
                diagnostic);
        }

        private static StatementSyntax Release(string holder, string release, bool maybeNull) =>
            FixSyntax.Statement($"{holder}{(maybeNull ? "?." : ".")}{release}();");

        private static bool Mentions(ReturnStatementSyntax exit, string holder)
        {
            string root = holder.Split('.')[0];
            return exit.Expression != null &&
                exit.Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name => name.Identifier.ValueText == root);
        }
    }
}
