using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>One write of a local: the value assigned, or none (a callee wrote it through out/ref, or an update such as +=).</summary>
    internal readonly struct LocalWrite
    {
        public LocalWrite(ExpressionSyntax? value, bool byCallee)
        {
            Value = value;
            ByCallee = byCallee;
        }

        /// <summary>The value assigned (initializer or simple assignment); null for any other write.</summary>
        public ExpressionSyntax? Value { get; }

        /// <summary>Written by a call, through an <c>out</c> or <c>ref</c> argument.</summary>
        public bool ByCallee { get; }
    }

    /// <summary>
    /// Every write of a local in the function that declares it, read from the syntax: flow-insensitive, for the rare
    /// question a rule asks about one value (KD301, KD304) without a second pass over every body.
    /// </summary>
    internal static class LocalWrites
    {
        /// <summary>The writes of <paramref name="local"/>; null when it is declared in a way not followed (a ref local, a pattern or foreach variable).</summary>
        public static List<LocalWrite>? Find(ILocalSymbol local, SemanticModel model, CancellationToken cancellation)
        {
            if (local.IsRef || local.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            var declaration = local.DeclaringSyntaxReferences[0].GetSyntax(cancellation);
            var writes = new List<LocalWrite>();
            switch (declaration)
            {
                case VariableDeclaratorSyntax declarator:
                    if (declarator.Initializer is { } initializer)
                    {
                        writes.Add(new LocalWrite(initializer.Value, byCallee: false));
                    }

                    break;
                case SingleVariableDesignationSyntax { Parent: DeclarationExpressionSyntax { Parent: ArgumentSyntax argument } } when argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword):
                    writes.Add(new LocalWrite(null, byCallee: true)); // Foo(out var x)
                    break;
                default:
                    return null;
            }

            if (declaration.FirstAncestorOrSelf<SyntaxNode>(IsFunction) is not { } scope)
            {
                return null;
            }

            foreach (var node in scope.DescendantNodes())
            {
                if (node is not IdentifierNameSyntax name || name.Identifier.ValueText != local.Name || Write(name) is not LocalWrite write ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellation).Symbol, local))
                {
                    continue;
                }

                writes.Add(write);
            }

            return writes;
        }

        /// <summary>The write <paramref name="name"/> stands for, or null when it is a read.</summary>
        private static LocalWrite? Write(IdentifierNameSyntax name) => name.Parent switch
        {
            AssignmentExpressionSyntax assignment when assignment.Left == name =>
                new LocalWrite(assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) ? assignment.Right : null, byCallee: false),
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } or
            PostfixUnaryExpressionSyntax or RefExpressionSyntax => new LocalWrite(null, byCallee: false),
            ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None) => new LocalWrite(null, byCallee: argument.Parent?.Parent is InvocationExpressionSyntax or ObjectCreationExpressionSyntax),
            ArgumentSyntax { Parent: TupleExpressionSyntax } => new LocalWrite(null, byCallee: false), // a deconstruction target, or a read: not followed
            _ => null,
        };

        private static bool IsFunction(SyntaxNode node) =>
            node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax;
    }
}
