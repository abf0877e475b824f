using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>
    /// KD202: two spinning locks of one class taken one after the other become <c>LockOrder.DoubleLock(a, b)</c>
    /// (double_pt_lock), and their adjacent releases <c>LockOrder.DoubleUnlock(a, b)</c>. Offered only when both
    /// pairs are adjacent statements of one block: then the rewrite cannot change what is held anywhere else.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseDoubleLockCodeFix))]
    public sealed class UseDoubleLockCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Take both locks through LockOrder.DoubleLock";

        public UseDoubleLockCodeFix()
            : base("KD202", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0)
            {
                return null;
            }

            var second = Acquisition(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true));
            var first = Acquisition(root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true));
            if (first is null || second is null || first.Value.Statement.Parent is not BlockSyntax block ||
                block.Statements.IndexOf(second.Value.Statement) != block.Statements.IndexOf(first.Value.Statement) + 1 ||
                !IsTicketLock(first.Value.Lock, model) || !IsTicketLock(second.Value.Lock, model))
            {
                return null;
            }

            string a = first.Value.Lock.ToString(), b = second.Value.Lock.ToString();
            var releases = FindReleases(block, block.Statements.IndexOf(second.Value.Statement) + 1, Name(first.Value.Lock), Name(second.Value.Lock));
            if (releases is null)
            {
                return null;
            }

            var doubleLock = Call("DoubleLock", a, b).WithTriviaFrom(first.Value.Statement);
            var doubleUnlock = Call("DoubleUnlock", a, b).WithTriviaFrom(releases.Value.First);
            var newBlock = block.TrackNodes(first.Value.Statement, second.Value.Statement, releases.Value.First, releases.Value.Second);
            newBlock = newBlock.ReplaceNode(newBlock.GetCurrentNode(first.Value.Statement)!, doubleLock);
            newBlock = newBlock.RemoveNode(newBlock.GetCurrentNode(second.Value.Statement)!, SyntaxRemoveOptions.KeepNoTrivia)!;
            newBlock = newBlock.ReplaceNode(newBlock.GetCurrentNode(releases.Value.First)!, doubleUnlock);
            newBlock = newBlock.RemoveNode(newBlock.GetCurrentNode(releases.Value.Second)!, SyntaxRemoveOptions.KeepNoTrivia)!;
            return root.ReplaceNode(block, newBlock);
        }

        /// <summary>A statement <c>x.Lock();</c>: the statement and the lock expression.</summary>
        private static (ExpressionStatementSyntax Statement, ExpressionSyntax Lock)? Acquisition(SyntaxNode node)
        {
            var statement = node.FirstAncestorOrSelf<ExpressionStatementSyntax>();
            return statement?.Expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Lock" } access }
                ? (statement, access.Expression)
                : null;
        }

        /// <summary>The two adjacent <c>Unlock()</c> statements of <paramref name="a"/> and <paramref name="b"/> later in the block, in either order.</summary>
        private static (StatementSyntax First, StatementSyntax Second)? FindReleases(BlockSyntax block, int from, string a, string b)
        {
            for (int i = from; i + 1 < block.Statements.Count; i++)
            {
                string? x = Released(block.Statements[i]), y = Released(block.Statements[i + 1]);
                if ((x == a && y == b) || (x == b && y == a))
                {
                    return (block.Statements[i], block.Statements[i + 1]);
                }

                if (x == a || x == b)
                {
                    return null; // released apart: not this fix's business
                }
            }

            return null;
        }

        private static string? Released(StatementSyntax statement) =>
            statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Unlock" } access } }
                ? Name(access.Expression)
                : null;

        /// <summary>The lock expression without a null-forgiving <c>!</c> or parentheses, to match uses of one lock.</summary>
        private static string Name(ExpressionSyntax expression)
        {
            while (true)
            {
                switch (expression)
                {
                    case PostfixUnaryExpressionSyntax suppressed when suppressed.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                        expression = suppressed.Operand;
                        continue;
                    case ParenthesizedExpressionSyntax parenthesized:
                        expression = parenthesized.Expression;
                        continue;
                    default:
                        return expression.ToString();
                }
            }
        }

        private static bool IsTicketLock(ExpressionSyntax expression, SemanticModel model) =>
            model.GetTypeInfo(expression).Type is { } type &&
            SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, model.Compilation.GetTypeByMetadataName("KernelDiscipline.Runtime.TicketLock"));

        private static StatementSyntax Call(string helper, string a, string b) =>
            SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
                    SyntaxFactory.ParseExpression("global::KernelDiscipline.Runtime.LockOrder." + helper).WithAdditionalAnnotations(Simplifier.Annotation),
                    SyntaxFactory.ParseArgumentList($"({a}, {b})")))
                .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
