using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD102: on the path where a map failed, the outcome must be a retry or -EAGAIN. Accepted, after the kernel's 43
    /// call sites: reaching the same acquisition again, -EAGAIN, a fault handler's 0 / NoPage / Retry, and (unless
    /// configured otherwise) a silent skip. Reported: another negative errno, a fault error, a throw, a crash.
    /// </summary>
    internal static class FailedMapOutcomeRule
    {
        // VM_FAULT_OOM | SIGBUS | HWPOISON | SIGSEGV: the fault handler's error results.
        private const long FaultErrors = 0x1 | 0x2 | 0x10 | 0x40;

        public static void Report(Findings findings, KnownSymbols known, RuleOptions options, Action<Diagnostic> report)
        {
            var returnType = findings.Function?.ReturnType;
            bool returnsFault = returnType != null && SymbolEqualityComparer.Default.Equals(returnType, known.VmFault);
            bool returnsErrno = returnType?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;
            var seen = new HashSet<SyntaxNode>();
            foreach (var exit in findings.FailedExits)
            {
                string? what = Judge(exit, known, options, returnType, returnsFault, returnsErrno, out bool fixable);
                var at = exit.Kind == FailedExitKind.Throw ? exit.At : exit.ValueOperation?.Syntax ?? exit.At;
                if (what is null || (at != null && !seen.Add(at)))
                {
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty;
                if (fixable && (returnsErrno || returnsFault))
                {
                    properties = properties.Add(RuleText.ReplacementProperty, returnsFault ? "VmFault" : "Errno");
                }

                var location = at?.GetLocation() ?? exit.Site.Invocation.Syntax.GetLocation();
                report(Diagnostic.Create(
                    Descriptors.KD102WrongFailure,
                    location,
                    new[] { exit.Site.Invocation.Syntax.GetLocation() },
                    properties,
                    RuleText.Call(exit.Site),
                    what));
            }
        }

        /// <summary>What is wrong with this outcome, or null when it is accepted.</summary>
        private static string? Judge(FailedExitFinding exit, KnownSymbols known, RuleOptions options, ITypeSymbol? returnType,
            bool returnsFault, bool returnsErrno, out bool fixable)
        {
            fixable = false;
            switch (exit.Kind)
            {
                case FailedExitKind.Throw:
                    fixable = true;
                    return "an exception is thrown";
                case FailedExitKind.Crash:
                    return "it crashes at '" + RuleText.Shorten(exit.At!) + "'";
                case FailedExitKind.ReturnVoid:
                    return options.ReportSilentSkip ? "it returns without retrying (a silent skip)" : null;
                case FailedExitKind.Skip:
                    return options.ReportSilentSkip ? "the page is skipped without retrying (a silent skip)" : null;
            }

            if (!exit.Value.IsKnown)
            {
                return null; // a computed result: the engine cannot tell, so it does not guess
            }

            long value = exit.Value.Value;
            // Only a constant written in this return statement is replaced by the fix; one that flows through a
            // local may serve other paths too, so the doc page shows that change instead.
            fixable = exit.Value.Origin != null && exit.ValueOperation != null && exit.ValueOperation.Syntax.Span.Contains(exit.Value.Origin.Span);
            if (returnsFault)
            {
                return (value & FaultErrors) != 0 ? FaultName(value, known) + " is returned" : null;
            }

            if (returnsErrno)
            {
                if (value == -known.EagainValue || value > 0)
                {
                    return null; // positive values are KD3xx's business
                }

                if (value == 0)
                {
                    fixable = false;
                    return options.ReportSilentSkip ? "it returns 0 without retrying (a silent skip)" : null;
                }

                return ErrnoName(value, known) + " is returned";
            }

            if (returnType?.SpecialType == SpecialType.System_Boolean && value == 0 && options.ReportSilentSkip)
            {
                return "it returns false without retrying (a silent skip)";
            }

            fixable = false;
            return null;
        }

        private static string ErrnoName(long value, KnownSymbols known)
        {
            if (known.Errno != null)
            {
                foreach (var member in known.Errno.GetMembers())
                {
                    if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int errno } && errno == -value)
                    {
                        return "-" + member.Name;
                    }
                }
            }

            return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static string FaultName(long value, KnownSymbols known)
        {
            if (known.VmFault != null)
            {
                foreach (var member in known.VmFault.GetMembers())
                {
                    if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int flag } && flag != 0 && (flag & FaultErrors) != 0 && (value & flag) != 0)
                    {
                        return "VmFault." + member.Name;
                    }
                }
            }

            return "a fault error";
        }
    }
}
