using System.Collections.Generic;
using System.Linq;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace KernelDiscipline.CodeFixes
{
    /// <summary>
    /// KD201: takes the two acquisitions in the declared order by moving the later one (the outer lock) up to just
    /// before the earlier one, when nothing but null checks of what lies between can run between them:
    /// <list type="bullet">
    /// <item>adjacent statements of one block are swapped: nothing runs between them, so nothing can depend on the
    /// old order; the releases stay as they are (the order of releases cannot deadlock);</item>
    /// <item>across guards that leave (<c>if (pte is null) return -Errno.EAGAIN;</c>, the shape of every map
    /// followed by a lock), the outer lock is taken first and each guard releases it before it leaves, as
    /// retract_page_tables takes the PMD lock before the PTL.</item>
    /// </list>
    /// Anything else between them (work, loops, other locks) keeps the diagnostic without a fix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwapAcquisitionsCodeFix))]
    public sealed class SwapAcquisitionsCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Take the locks in the declared order";

        public SwapAcquisitionsCodeFix()
            : base("KD201", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0)
            {
                return null;
            }

            var later = Statement(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true));
            var earlier = Statement(root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true));
            if (later is null || earlier is null || earlier.Parent is not BlockSyntax block || later.Parent != block)
            {
                return null;
            }

            int from = block.Statements.IndexOf(earlier), to = block.Statements.IndexOf(later);
            if (to == from + 1)
            {
                var swapped = block.ReplaceNodes(new StatementSyntax[] { earlier, later },
                    (original, _) => original == earlier ? later.WithTriviaFrom(earlier) : earlier.WithTriviaFrom(later));
                return root.ReplaceNode(block, swapped);
            }

            if (to <= from)
            {
                return null;
            }

            // Only guards between, and the later acquisition uses nothing declared from the earlier one on.
            var guards = block.Statements.Skip(from + 1).Take(to - from - 1).ToList();
            var exits = guards.Select(GuardExit).ToList();
            if (exits.Any(exit => exit is null) || UsesLocalDeclaredIn(later, block.Statements.Skip(from).Take(to - from), model) ||
                Release(later, model) is not { } release)
            {
                return null;
            }

            var newBlock = block.TrackNodes(exits.Select(exit => exit!).Append(earlier).Append(later));
            foreach (var exit in exits)
            {
                newBlock = FixSyntax.InsertBefore(newBlock, newBlock.GetCurrentNode(exit!)!, FixSyntax.Statement(release + ";"));
            }

            newBlock = newBlock.RemoveNode(newBlock.GetCurrentNode(later)!, SyntaxRemoveOptions.KeepNoTrivia)!;
            newBlock = newBlock.InsertNodesBefore(newBlock.GetCurrentNode(earlier)!, new[] { later.WithAdditionalAnnotations(Formatter.Annotation) });
            return root.ReplaceNode(block, newBlock);
        }

        /// <summary>The acquisition as a whole statement: <c>x.Lock();</c> or <c>var l = pmd.Lock();</c>.</summary>
        private static StatementSyntax? Statement(SyntaxNode node)
        {
            var statement = node.FirstAncestorOrSelf<StatementSyntax>();
            return statement switch
            {
                ExpressionStatementSyntax { Expression: InvocationExpressionSyntax } => statement,
                LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } declaration
                    when declaration.Declaration.Variables[0].Initializer?.Value is InvocationExpressionSyntax => statement,
                _ => null,
            };
        }

        /// <summary>
        /// For <c>if (x is null) &lt;leave&gt;;</c> (or <c>== null</c>, or a block that ends by leaving and leaves nowhere
        /// else), the statement that leaves; otherwise null.
        /// </summary>
        private static StatementSyntax? GuardExit(StatementSyntax statement)
        {
            if (statement is not IfStatementSyntax { Else: null } guard || !IsNullCheck(guard.Condition))
            {
                return null;
            }

            if (IsJump(guard.Statement))
            {
                return guard.Statement;
            }

            return guard.Statement is BlockSyntax { Statements.Count: > 0 } body && IsJump(body.Statements.Last()) &&
                !body.Statements.Take(body.Statements.Count - 1).Any(s => s.DescendantNodesAndSelf().Any(n => n is StatementSyntax inner && IsJump(inner)))
                ? body.Statements.Last()
                : null;
        }

        private static bool IsNullCheck(ExpressionSyntax condition) => condition switch
        {
            IsPatternExpressionSyntax { Expression: IdentifierNameSyntax, Pattern: ConstantPatternSyntax { Expression: LiteralExpressionSyntax literal } } =>
                literal.IsKind(SyntaxKind.NullLiteralExpression),
            BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression) =>
                (binary.Left is IdentifierNameSyntax && binary.Right.IsKind(SyntaxKind.NullLiteralExpression)) ||
                (binary.Right is IdentifierNameSyntax && binary.Left.IsKind(SyntaxKind.NullLiteralExpression)),
            _ => false,
        };

        private static bool IsJump(StatementSyntax statement) =>
            statement is ReturnStatementSyntax or ThrowStatementSyntax or GotoStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax;

        private static bool UsesLocalDeclaredIn(StatementSyntax statement, IEnumerable<StatementSyntax> range, SemanticModel model)
        {
            var spans = range.Select(s => s.Span).ToList();
            return statement.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name =>
                model.GetSymbolInfo(name).Symbol is ILocalSymbol local &&
                local.DeclaringSyntaxReferences.Any(r => spans.Any(span => span.Contains(r.Span))));
        }

        /// <summary>
        /// How the moved acquisition is released, by the [Releases] method of what it locks:
        /// <c>pmdLock.Unlock()</c> for <c>var pmdLock = pmd.Lock();</c>, <c>x.UpRead()</c> for <c>x.DownRead();</c>.
        /// </summary>
        private static string? Release(StatementSyntax acquisition, SemanticModel model)
        {
            var known = KnownSymbols.TryCreate(model.Compilation);
            if (known is null)
            {
                return null;
            }

            switch (acquisition)
            {
                case LocalDeclarationStatementSyntax declaration
                    when model.GetDeclaredSymbol(declaration.Declaration.Variables[0]) is ILocalSymbol { Type: INamedTypeSymbol type } local &&
                         model.GetSymbolInfo(declaration.Declaration.Variables[0].Initializer!.Value).Symbol is IMethodSymbol acquire &&
                         known.Annotation(acquire).AcquiresReturn:
                    return ReleaseMethod(known, type, known.Annotation(acquire).Shared) is { } name ? $"{local.Name}.{name}()" : null;
                case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call }
                    when model.GetSymbolInfo(call).Symbol is IMethodSymbol acquire && !known.Annotation(acquire).AcquiresReturn:
                    return ReleaseMethod(known, acquire.ContainingType, known.Annotation(acquire).Shared) is { } method ? $"{access.Expression}.{method}()" : null;
                default:
                    return null;
            }
        }

        /// <summary>A public method of the type callable without arguments that releases its receiver in that mode.</summary>
        private static string? ReleaseMethod(KnownSymbols known, INamedTypeSymbol type, bool shared) =>
            type.GetMembers().OfType<IMethodSymbol>()
                .Where(m => m.DeclaredAccessibility == Accessibility.Public && m.Parameters.All(p => p.IsOptional))
                .FirstOrDefault(m => known.Annotation(m) is var annotation && annotation.ReleasesReceiver && annotation.Shared == shared)?.Name;
    }
}
