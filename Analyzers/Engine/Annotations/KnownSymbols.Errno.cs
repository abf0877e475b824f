using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD304's reading: which methods return negative errnos by contract.</summary>
    internal sealed partial class KnownSymbols
    {
        private readonly ConcurrentDictionary<IMethodSymbol, bool> returnsNegativeErrno =
            new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>[ReturnsErrno] (the Runtime's attribute).</summary>
        public INamedTypeSymbol? ReturnsErrno { get; }

        /// <summary>
        /// A method whose failures are negative errnos: annotated [ReturnsErrno], or declared in source with an int/long
        /// result and a <c>return -Errno.X;</c> of its own (asked only for a comparison with a positive Errno constant).
        /// </summary>
        public bool ReturnsNegativeErrno(IMethodSymbol method, CancellationToken cancellation)
        {
            method = method.ReducedFrom ?? method;
            if (method.ReturnType.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return false;
            }

            if (returnsNegativeErrno.TryGetValue(method, out bool known))
            {
                return known;
            }

            bool result = false;
            foreach (var attribute in method.GetAttributes())
            {
                result |= ReturnsErrno != null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, ReturnsErrno);
            }

            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                result = result || ReturnsNegatedErrno(reference.GetSyntax(cancellation));
            }

            returnsNegativeErrno[method] = result;
            return result;
        }

        private static bool ReturnsNegatedErrno(SyntaxNode declaration)
        {
            var (body, arrow) = declaration switch
            {
                BaseMethodDeclarationSyntax method => ((SyntaxNode?)method.Body, method.ExpressionBody?.Expression),
                LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody?.Expression),
                _ => (null, null),
            };

            if (arrow != null)
            {
                return IsNegatedErrno(arrow);
            }

            if (body is null)
            {
                return false;
            }

            // Returns of this body only: a nested lambda or local function returns for itself.
            foreach (var node in body.DescendantNodes(node => node == body || node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is ReturnStatementSyntax { Expression: { } returned } && IsNegatedErrno(returned))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>-Errno.X</c>, possibly as one arm of <c>?:</c>.</summary>
        private static bool IsNegatedErrno(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression switch
            {
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: MemberAccessExpressionSyntax { Expression: var type } } =>
                    type is IdentifierNameSyntax { Identifier.ValueText: "Errno" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Errno" },
                ConditionalExpressionSyntax conditional => IsNegatedErrno(conditional.WhenTrue) || IsNegatedErrno(conditional.WhenFalse),
                _ => false,
            };
        }
    }
}
