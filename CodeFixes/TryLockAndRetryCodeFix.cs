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
    /// KD203: where a retry label precedes the spinning acquisition and exactly one spinning lock is held, the
    /// sleeping acquire becomes the kernel's shape (move_pages_pte): try-lock; on failure release the spinning
    /// lock, wait for the sleeping one (take and drop it), and go back to the retry point, which takes everything
    /// again and re-reads what it depends on.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TryLockAndRetryCodeFix))]
    public sealed class TryLockAndRetryCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Try-lock; on failure drop the spinning lock, wait, and retry";

        public TryLockAndRetryCodeFix()
            : base("KD203", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue("SpinningHeld", out var count) || count != "1" || diagnostic.AdditionalLocations.Count == 0)
            {
                return null;
            }

            // The sleeping acquisition: a statement `x.Lock();` (or DownRead/DownWrite) whose type has a try variant.
            var statement = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>();
            if (statement?.Expression is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call ||
                statement.Parent is not BlockSyntax ||
                model.GetSymbolInfo(call).Symbol is not IMethodSymbol acquire)
            {
                return null;
            }

            var known = KnownSymbols.TryCreate(model.Compilation);
            if (known is null)
            {
                return null;
            }

            bool shared = known.Annotation(acquire).Shared;
            var tryName = Find(known, acquire.ContainingType, a => a.TryAcquiresReceiver, shared);
            var releaseName = Find(known, acquire.ContainingType, a => a.ReleasesReceiver, shared);

            // The held spinning lock: taken by a statement at or after a retry label of the same block.
            var heldStatement = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>();
            string? heldRelease = diagnostic.Properties.TryGetValue("HeldRelease", out var fromAnalyzer) ? fromAnalyzer : null;
            heldRelease ??= ReleaseOfReceiverLock(heldStatement, model, known);
            var label = RetryLabel(heldStatement);
            if (tryName is null || releaseName is null || heldRelease is null || label is null)
            {
                return null;
            }

            string target = access.Expression.ToString();
            var replacement = SyntaxFactory.ParseStatement(
                    $"if (!{target}.{tryName}())\n{{\n{heldRelease};\n{target}.{access.Name.Identifier.ValueText}();\n{target}.{releaseName}();\ngoto {label};\n}}\n")
                .WithTriviaFrom(statement)
                .WithAdditionalAnnotations(Formatter.Annotation);
            return root.ReplaceNode(statement, replacement);
        }

        /// <summary>The nearest label at or before the statement in its block (or its own label).</summary>
        private static string? RetryLabel(StatementSyntax? statement)
        {
            if (statement?.Parent is LabeledStatementSyntax own)
            {
                return own.Identifier.ValueText;
            }

            if (statement?.Parent is not BlockSyntax block)
            {
                return null;
            }

            for (int i = block.Statements.IndexOf(statement); i >= 0; i--)
            {
                if (block.Statements[i] is LabeledStatementSyntax labeled)
                {
                    return labeled.Identifier.ValueText;
                }
            }

            return null;
        }

        /// <summary>For a spinning lock taken as <c>x.Lock();</c>: <c>x.Unlock()</c>, by the [Releases] method of its type.</summary>
        private static string? ReleaseOfReceiverLock(StatementSyntax? statement, SemanticModel model, KnownSymbols known)
        {
            if (statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call } &&
                model.GetSymbolInfo(call).Symbol is IMethodSymbol method && Find(known, method.ContainingType, a => a.ReleasesReceiver, shared: false) is { } release)
            {
                return $"{access.Expression}.{release}()";
            }

            return null;
        }

        /// <summary>A public method of <paramref name="type"/> callable without arguments, with that annotation and Shared flag.</summary>
        private static string? Find(KnownSymbols known, INamedTypeSymbol type, System.Func<MethodAnnotation, bool> kind, bool shared) =>
            type.GetMembers().OfType<IMethodSymbol>()
                .Where(m => m.DeclaredAccessibility == Accessibility.Public && m.Parameters.All(p => p.IsOptional))
                .FirstOrDefault(m => known.Annotation(m) is var annotation && kind(annotation) && annotation.Shared == shared)?.Name;
    }
}
