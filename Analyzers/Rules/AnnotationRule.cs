using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD207: an annotation that would switch a check off without a word — a lock expression that names nothing or
    /// names no lock, a [PtGuardedBy] on a value, a [LockClass] whose class is declared nowhere, a lock class declaration
    /// the compiler ignores (an assembly attribute inside a type), a [ContextUnsafe] without its reason, an
    /// [Acquires(Returns = …)] that names no member the returned lock can be.
    /// </summary>
    internal static class AnnotationRule
    {
        private static readonly ImmutableHashSet<string> Names = ImmutableHashSet.Create(System.StringComparer.Ordinal,
            "GuardedBy", "PtGuardedBy", "MustHold", "MustNotHold", "ContextUnsafe", "LockClass", "LockClassDeclaration", "Acquires");

        public static void Check(SyntaxNodeAnalysisContext context, KnownSymbols known)
        {
            var attribute = (AttributeSyntax)context.Node;
            string name = attribute.Name switch
            {
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => attribute.Name.ToString(),
            };
            if (name.EndsWith("Attribute", System.StringComparison.Ordinal))
            {
                name = name.Substring(0, name.Length - "Attribute".Length);
            }

            if (!Names.Contains(name) ||
                context.SemanticModel.GetSymbolInfo(attribute, context.CancellationToken).Symbol is not IMethodSymbol { ContainingType: { } type } ||
                type.ContainingNamespace?.ToDisplayString() != KnownSymbols.RuntimeNamespace)
            {
                return;
            }

            string? problem = type.Name switch
            {
                "LockClassDeclarationAttribute" => MisplacedDeclaration(attribute),
                "LockClassAttribute" => UndeclaredClass(attribute, context.SemanticModel, known, context.CancellationToken),
                "ContextUnsafeAttribute" => MissingReason(attribute, context.SemanticModel, context.CancellationToken),
                "GuardedByAttribute" or "PtGuardedByAttribute" => GuardProblem(attribute, context.SemanticModel, known, context.CancellationToken),
                "MustHoldAttribute" or "MustNotHoldAttribute" => ContractProblem(attribute, context.SemanticModel, known, context.CancellationToken),
                "AcquiresAttribute" => AnnotatedSymbol(attribute, context.SemanticModel, context.CancellationToken) is IMethodSymbol method ? known.Annotation(method).ReturnedError : null,
                _ => null,
            };
            if (problem != null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.KD207Annotation, attribute.GetLocation(), RuleText.Shorten(attribute), problem));
            }
        }

        private static string? MisplacedDeclaration(AttributeSyntax attribute) =>
            attribute.Parent is AttributeListSyntax { Target.Identifier.ValueText: "assembly" } list && list.Parent is not CompilationUnitSyntax
                ? "an assembly attribute inside a type is ignored by the compiler (CS0657), and the lock class with it; move it to the top of a file, outside every type"
                : null;

        private static string? UndeclaredClass(AttributeSyntax attribute, SemanticModel model, KnownSymbols known, System.Threading.CancellationToken cancellation)
        {
            if (attribute.ArgumentList?.Arguments.Count != 1 ||
                model.GetConstantValue(attribute.ArgumentList.Arguments[0].Expression, cancellation).Value is not string lockClass ||
                known.LockClasses.ContainsKey(lockClass))
            {
                return null;
            }

            return $"the lock class '{lockClass}' is declared nowhere, so no order, nesting or sleeping check applies to it; declare it at the top of a file: [assembly: LockClassDeclaration(\"{lockClass}\", LockKind.Sleeping, rank)]";
        }

        private static string? MissingReason(AttributeSyntax attribute, SemanticModel model, System.Threading.CancellationToken cancellation) =>
            attribute.ArgumentList?.Arguments.Count == 1 &&
            model.GetConstantValue(attribute.ArgumentList.Arguments[0].Expression, cancellation).Value is string reason && reason.Trim().Length > 0
                ? null
                : "say why the unchecked accesses are safe: [ContextUnsafe] needs a reason, as the kernel's context_unsafe() needs a comment";

        private static string? GuardProblem(AttributeSyntax attribute, SemanticModel model, KnownSymbols known, System.Threading.CancellationToken cancellation) =>
            AnnotatedSymbol(attribute, model, cancellation) is { } member ? known.GuardOf(member)?.Error : null;

        private static string? ContractProblem(AttributeSyntax attribute, SemanticModel model, KnownSymbols known, System.Threading.CancellationToken cancellation)
        {
            var symbol = AnnotatedSymbol(attribute, model, cancellation);
            var method = symbol switch
            {
                IMethodSymbol m => m,
                IPropertySymbol property => property.GetMethod ?? property.SetMethod,
                _ => null,
            };
            if (method is null)
            {
                return null;
            }

            var contract = known.ContractOf(method);
            foreach (var expression in ExpressionsOf(attribute, model, cancellation))
            {
                foreach (var entry in contract.MustHold)
                {
                    if (entry.Expression == expression && entry.Error != null)
                    {
                        return entry.Error;
                    }
                }

                foreach (var entry in contract.MustNotHold)
                {
                    if (entry.Expression == expression && entry.Error != null)
                    {
                        return entry.Error;
                    }
                }
            }

            return null;
        }

        private static System.Collections.Generic.IEnumerable<string> ExpressionsOf(AttributeSyntax attribute, SemanticModel model, System.Threading.CancellationToken cancellation)
        {
            foreach (var argument in attribute.ArgumentList?.Arguments ?? default)
            {
                if (argument.NameEquals is null && model.GetConstantValue(argument.Expression, cancellation).Value is string text)
                {
                    yield return text;
                }
            }
        }

        /// <summary>The field, property, method, local function or lambda an attribute is on.</summary>
        private static ISymbol? AnnotatedSymbol(AttributeSyntax attribute, SemanticModel model, System.Threading.CancellationToken cancellation)
        {
            var owner = (attribute.Parent as AttributeListSyntax)?.Parent;
            return owner switch
            {
                FieldDeclarationSyntax field when field.Declaration.Variables.Count > 0 => model.GetDeclaredSymbol(field.Declaration.Variables[0], cancellation),
                LambdaExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellation).Symbol,
                null => null,
                _ => model.GetDeclaredSymbol(owner, cancellation),
            };
        }
    }
}
