using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD301: a crashing Runtime assertion (<c>Kernel.BugOn</c>) in a method that can return an error — an errno
    /// (<c>int</c>/<c>long</c>), a <c>VmFault</c>, or a <c>bool</c> success. A BugOn that crashes exactly when a map
    /// failed is KD102's (it is reported once, there). Exempt: a condition that only restates a lock invariant the
    /// lock rules check (<c>BugOn(!ptl.IsHeldByCurrentThread)</c>, lockdep_assert_held). A condition that reads a
    /// callee's result (seed 001's <c>BUG_ON(page)</c>) takes the severity of
    /// <c>kernel_discipline.KD301.callee_result_severity</c> when set.
    /// </summary>
    internal static class RecoverableBugOnRule
    {
        /// <summary>Property carrying the error the fix returns: the C# of it.</summary>
        public const string ErrorProperty = "Error";

        /// <summary>Property set on a diagnostic whose condition reads a callee's result.</summary>
        public const string CalleeResultProperty = "CalleeResult";

        public static void Report(Findings findings, KnownSymbols known, RuleOptions options, Action<Diagnostic> report, CancellationToken cancellation)
        {
            string? error = ErrorResult(findings.Function, known);
            if (error is null || findings.Assertions.Count == 0)
            {
                return;
            }

            var crashesOnFailure = new HashSet<SyntaxNode>();
            foreach (var exit in findings.FailedExits)
            {
                if (exit.Kind == FailedExitKind.Crash && exit.At != null)
                {
                    crashesOnFailure.Add(exit.At);
                }
            }

            var seen = new HashSet<SyntaxNode>();
            foreach (var assertion in findings.Assertions)
            {
                var condition = Condition(assertion, known);
                if (!seen.Add(assertion.Syntax) || crashesOnFailure.Contains(assertion.Syntax) || (condition != null && RestatesLockInvariant(condition, findings.Model, cancellation)))
                {
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty.Add(ErrorProperty, error);
                var severity = Descriptors.KD301RecoverableBugOn.DefaultSeverity;
                if (condition != null && findings.Model != null && ReadsCalleeResult(condition, findings.Model, cancellation))
                {
                    properties = properties.Add(CalleeResultProperty, "true");
                    severity = options.CalleeResultSeverity ?? severity;
                }

                report(Diagnostic.Create(
                    Descriptors.KD301RecoverableBugOn,
                    assertion.Syntax.GetLocation(),
                    severity,
                    additionalLocations: null,
                    properties,
                    RuleText.Shorten(assertion.Syntax),
                    error));
            }
        }

        /// <summary>The asserted condition: the argument of the [DoesNotReturnIf(true)] parameter.</summary>
        private static ExpressionSyntax? Condition(IInvocationOperation assertion, KnownSymbols known)
        {
            foreach (var argument in assertion.Arguments)
            {
                if (argument.Parameter is { } parameter && known.DoesNotReturnIfValue(parameter) == true && argument.Syntax is ArgumentSyntax syntax)
                {
                    return syntax.Expression;
                }
            }

            return null;
        }

        /// <summary>
        /// Only lock-held tests (<c>IsHeldByCurrentThread</c>, <c>IsLocked</c>) joined by !, &amp;&amp;, ||: a statement about
        /// the code's own locking that no input reaches, and that KD2xx check statically.
        /// </summary>
        private static bool RestatesLockInvariant(ExpressionSyntax condition, SemanticModel? model, CancellationToken cancellation)
        {
            switch (condition)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return RestatesLockInvariant(parenthesized.Expression, model, cancellation);
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                    return RestatesLockInvariant(not.Operand, model, cancellation);
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression or (int)SyntaxKind.LogicalOrExpression } both:
                    return RestatesLockInvariant(both.Left, model, cancellation) && RestatesLockInvariant(both.Right, model, cancellation);
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsHeldByCurrentThread" or "IsLocked" } member when model != null:
                    return model.GetSymbolInfo(member, cancellation).Symbol is IPropertySymbol property &&
                        property.ContainingNamespace?.ToDisplayString() == KnownSymbols.RuntimeNamespace;
                default:
                    return false;
            }
        }

        /// <summary>Whether the condition calls something, or reads a local that a call wrote (its result, or through out/ref).</summary>
        private static bool ReadsCalleeResult(ExpressionSyntax condition, SemanticModel model, CancellationToken cancellation)
        {
            if (Calls(condition))
            {
                return true;
            }

            foreach (var name in condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (model.GetSymbolInfo(name, cancellation).Symbol is ILocalSymbol local && LocalWrites.Find(local, model, cancellation) is { } writes &&
                    writes.Any(write => write.ByCallee || (write.Value != null && Calls(write.Value))))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Calls(ExpressionSyntax value) => value.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any();

        /// <summary>What the method returns for an error, as C#; null when it has no error result.</summary>
        private static string? ErrorResult(IMethodSymbol? function, KnownSymbols known)
        {
            var type = function?.ReturnType;
            if (function is null || type is null || function.IsAsync)
            {
                return null;
            }

            if (type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
            {
                return "-Errno.EINVAL";
            }

            if (SymbolEqualityComparer.Default.Equals(type, known.VmFault))
            {
                return "VmFault.SigBus";
            }

            return type.SpecialType == SpecialType.System_Boolean ? "false" : null;
        }
    }
}
