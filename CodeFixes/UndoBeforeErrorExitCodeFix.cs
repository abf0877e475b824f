using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>
    /// KD302: gives the charge back right before the error exit (<c>inode.UnacctBlocks(1);</c>). The analyzer offers
    /// it only where every path to that exit holds the charge; an exit shared with paths that never took it (a
    /// label at the end of an unwind ladder) needs a new label, which the doc page shows.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UndoBeforeErrorExitCodeFix))]
    public sealed class UndoBeforeErrorExitCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Undo the charge before returning the error";

        public UndoBeforeErrorExitCodeFix()
            : base("KD302", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue("Undo", out var undo) || undo is null)
            {
                return null;
            }

            var exit = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<StatementSyntax>(node => node is ReturnStatementSyntax or ThrowStatementSyntax);
            return exit is null ? null : FixSyntax.InsertBefore(root, exit, FixSyntax.Statement(undo + ";"));
        }
    }
}
