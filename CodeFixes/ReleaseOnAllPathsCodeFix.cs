using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>KD103: release the map or lock on each path out that still holds it (<c>pte.Unlock()</c> before the return).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReleaseOnAllPathsCodeFix))]
    public sealed class ReleaseOnAllPathsCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Release on every path out";

        public ReleaseOnAllPathsCodeFix()
            : base("KD103", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue("Holder", out var holder) || holder is null ||
                !properties.TryGetValue("Release", out var release) || release is null)
            {
                return null; // a use after release, or nothing names the resource: the doc page shows the manual fix
            }

            string[] maybeNull = (properties.TryGetValue("ExitsMaybeNull", out var flags) ? flags : null)?.Split(',') ?? new string[0];
            var exits = new List<(StatementSyntax Return, bool MaybeNull)>();
            for (int i = 0; i < diagnostic.AdditionalLocations.Count; i++)
            {
                // A return, or a throw that leaves the method holding the map.
                var exit = root.FindNode(diagnostic.AdditionalLocations[i].SourceSpan, getInnermostNodeForTie: true)
                    .FirstAncestorOrSelf<StatementSyntax>(node => node is ReturnStatementSyntax or ThrowStatementSyntax);
                // A return that reads the resource must not see it released first; leave that one to the author.
                if (exit is null || Mentions(exit, holder))
                {
                    return null;
                }

                exits.Add((exit, i < maybeNull.Length && maybeNull[i] == "1"));
            }

            properties.TryGetValue("EndOfBody", out var endOfBody);
            var function = FixSyntax.EnclosingFunction(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true));
            var body = function is null ? null : FixSyntax.Body(function);
            if (endOfBody != null && body is null)
            {
                return null;
            }

            var tracked = root.TrackNodes(exits.Select(e => (SyntaxNode)e.Return).Concat(body is null ? Enumerable.Empty<SyntaxNode>() : new SyntaxNode[] { body }));
            foreach (var (exit, exitMaybeNull) in exits)
            {
                var current = tracked.GetCurrentNode(exit)!;
                tracked = FixSyntax.InsertBefore(tracked, current, Release(holder, release, exitMaybeNull));
            }

            if (endOfBody != null)
            {
                var currentBody = tracked.GetCurrentNode(body!)!;
                tracked = tracked.ReplaceNode(currentBody, currentBody.AddStatements(Release(holder, release, endOfBody == "maybe-null")));
            }

            return tracked;
        }

        private static StatementSyntax Release(string holder, string release, bool maybeNull) =>
            FixSyntax.Statement($"{holder}{(maybeNull ? "?." : ".")}{release}();");

        private static bool Mentions(StatementSyntax exit, string holder)
        {
            string root = holder.Split('.')[0];
            var value = exit switch
            {
                ReturnStatementSyntax returned => returned.Expression,
                ThrowStatementSyntax thrown => thrown.Expression,
                _ => null,
            };
            return value != null &&
                value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name => name.Identifier.ValueText == root);
        }
    }
}
