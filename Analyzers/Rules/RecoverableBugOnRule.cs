using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD301: a crashing Runtime assertion (<c>Kernel.BugOn</c>) in a method that can return an error — an errno
    /// (<c>int</c>/<c>long</c>), a <c>VmFault</c>, or a <c>bool</c> success. A BugOn that crashes exactly when a map
    /// failed is KD102's (it is reported once, there).
    /// </summary>
    internal static class RecoverableBugOnRule
    {
        /// <summary>Property carrying the error the fix returns: the C# of it.</summary>
        public const string ErrorProperty = "Error";

        public static void Report(Findings findings, KnownSymbols known, Action<Diagnostic> report)
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
                if (!seen.Add(assertion.Syntax) || crashesOnFailure.Contains(assertion.Syntax))
                {
                    continue;
                }

                report(Diagnostic.Create(
                    Descriptors.KD301RecoverableBugOn,
                    assertion.Syntax.GetLocation(),
                    ImmutableDictionary<string, string?>.Empty.Add(ErrorProperty, error),
                    RuleText.Shorten(assertion.Syntax),
                    error));
            }
        }

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
