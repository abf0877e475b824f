using System.Collections.Generic;
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
    /// KD205: the lock requirement moves to the callers — <c>[MustHold("gate")]</c> (and <c>[MustHold("rw", Shared =
    /// true)]</c> for locks the method only reads under) on the method, where KD206 then checks every call. Offered on
    /// private and internal methods and local functions only: a public method's callers are not all in view.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddMustHoldCodeFix))]
    public sealed class AddMustHoldCodeFix : KernelDisciplineCodeFix
    {
        public const string Title = "Add [MustHold] to the method: its callers take the lock";

        private const string Attribute = "global::KernelDiscipline.Runtime.MustHold";

        public AddMustHoldCodeFix()
            : base("KD205", Title)
        {
        }

        /// <inheritdoc />
        protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var function = node.FirstAncestorOrSelf<SyntaxNode>(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
            if (function is null or AnonymousFunctionExpressionSyntax || FixSyntax.FunctionSymbol(function, model) is not { } method ||
                (method.MethodKind != MethodKind.LocalFunction && method.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Internal)))
            {
                return null;
            }

            var named = Named(method);
            var lists = new List<AttributeListSyntax>();
            AddList(lists, Locks(diagnostic, "MustHold"), named, shared: false);
            AddList(lists, Locks(diagnostic, "MustHoldShared"), named, shared: true);
            if (lists.Count == 0)
            {
                return null;
            }

            return function switch
            {
                MethodDeclarationSyntax declaration => root.ReplaceNode(declaration, WithAttributes(declaration, lists)),
                LocalFunctionStatementSyntax local => root.ReplaceNode(local, WithAttributes(local, lists)),
                _ => null,
            };
        }

        private static IEnumerable<string> Locks(Diagnostic diagnostic, string property) =>
            diagnostic.Properties.TryGetValue(property, out var text) && text != null ? text.Split('\n') : Enumerable.Empty<string>();

        /// <summary>The lock expressions the method's [MustHold] attributes already name.</summary>
        private static HashSet<string> Named(IMethodSymbol method)
        {
            var named = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "MustHoldAttribute" } type && type.ContainingNamespace?.ToDisplayString() == "KernelDiscipline.Runtime")
                {
                    foreach (var argument in attribute.ConstructorArguments.Where(a => !a.IsNull).SelectMany(a => a.Kind == TypedConstantKind.Array ? (IEnumerable<TypedConstant>)a.Values : new[] { a }))
                    {
                        if (argument.Value is string text)
                        {
                            named.Add(text);
                        }
                    }
                }
            }

            return named;
        }

        private static void AddList(List<AttributeListSyntax> lists, IEnumerable<string> locks, HashSet<string> named, bool shared)
        {
            var arguments = locks.Where(text => !named.Contains(text))
                .Select(text => SyntaxFactory.AttributeArgument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(text))))
                .ToList();
            if (arguments.Count == 0)
            {
                return;
            }

            if (shared)
            {
                arguments.Add(SyntaxFactory.AttributeArgument(SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression))
                    .WithNameEquals(SyntaxFactory.NameEquals("Shared")));
            }

            var attribute = SyntaxFactory.Attribute(SyntaxFactory.ParseName(Attribute).WithAdditionalAnnotations(Simplifier.Annotation), SyntaxFactory.AttributeArgumentList(SyntaxFactory.SeparatedList(arguments)));
            lists.Add(SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute)).WithTrailingTrivia(SyntaxFactory.ElasticLineFeed).WithAdditionalAnnotations(Formatter.Annotation));
        }

        private static MethodDeclarationSyntax WithAttributes(MethodDeclarationSyntax method, List<AttributeListSyntax> lists)
        {
            var trivia = method.GetLeadingTrivia();
            return method.WithoutLeadingTrivia().WithAttributeLists(method.AttributeLists.AddRange(lists)).WithLeadingTrivia(trivia);
        }

        private static LocalFunctionStatementSyntax WithAttributes(LocalFunctionStatementSyntax local, List<AttributeListSyntax> lists)
        {
            var trivia = local.GetLeadingTrivia();
            return local.WithoutLeadingTrivia().WithAttributeLists(local.AttributeLists.AddRange(lists)).WithLeadingTrivia(trivia);
        }
    }
}
