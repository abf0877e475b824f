using System;
using System.Collections.Generic;
using System.Threading;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD304: a method that returns negative errnos (some return is a known -Errno.X) also returns a positive Errno
    /// constant — directly (<c>return Errno.EAGAIN;</c>) or through a local (<c>ret = Errno.EFAULT; … return ret;</c>);
    /// and a result that is a negative errno by contract compared with a positive one (<c>if (err == Errno.EAGAIN)</c>).
    /// </summary>
    internal static class PositiveErrnoRule
    {
        public static void Report(Findings findings, KnownSymbols known, Action<Diagnostic> report, CancellationToken cancellation)
        {
            ReportComparisons(findings, known, report, cancellation);
            ReportReturns(findings, known, report);
        }

        private static void ReportReturns(Findings findings, KnownSymbols known, Action<Diagnostic> report)
        {
            if (known.Errno is null || findings.Function is not { IsAsync: false } function ||
                function.ReturnType.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return;
            }

            string? negative = null;
            foreach (var (value, constant) in findings.Returns)
            {
                if (constant.IsKnown && constant.Value < 0 && ErrnoName(-constant.Value, known) != null)
                {
                    negative = RuleText.Shorten(value.Syntax);
                    break;
                }
            }

            if (negative is null)
            {
                return;
            }

            var seen = new System.Collections.Generic.HashSet<SyntaxNode>();
            foreach (var (value, constant) in findings.Returns)
            {
                if (!constant.IsKnown || constant.Value <= 0 || constant.Origin is not MemberAccessExpressionSyntax origin ||
                    ErrnoName(constant.Value, known) is not string name || origin.Name.Identifier.ValueText != name || !seen.Add(value.Syntax))
                {
                    continue;
                }

                report(Diagnostic.Create(
                    Descriptors.KD304PositiveErrno,
                    value.Syntax.GetLocation(),
                    new[] { origin.GetLocation() },
                    RuleText.Shorten(value.Syntax),
                    $"returns a positive errno where this method's errors are negative ({negative})",
                    "Errno." + name));
            }
        }

        private static void ReportComparisons(Findings findings, KnownSymbols known, Action<Diagnostic> report, CancellationToken cancellation)
        {
            var seen = new HashSet<SyntaxNode>();
            foreach (var (comparison, errno, compared) in findings.ErrnoComparisons)
            {
                if (errno is IFieldReferenceOperation { Field: var field } && seen.Add(errno.Syntax) &&
                    NegativeErrnoResult(compared, findings.Model, known, cancellation) is string source)
                {
                    report(Diagnostic.Create(
                        Descriptors.KD304PositiveErrno,
                        errno.Syntax.GetLocation(),
                        new[] { errno.Syntax.GetLocation() },
                        errno.Syntax.Parent is CaseSwitchLabelSyntax label ? "case " + RuleText.Shorten(label.Value) : RuleText.Shorten(comparison.Syntax),
                        $"compares a positive errno with {source}, a negative errno on failure: never equal",
                        "Errno." + field.Name));
                }
            }
        }

        /// <summary>How the compared value is a negative errno by contract (for the message), or null when it is not known to be.</summary>
        private static string? NegativeErrnoResult(IOperation compared, SemanticModel? model, KnownSymbols known, CancellationToken cancellation)
        {
            switch (compared)
            {
                case IInvocationOperation call when known.ReturnsNegativeErrno(call.TargetMethod, cancellation):
                    return $"the result of {call.TargetMethod.Name}()";
                case ILocalReferenceOperation { Local: var local } when model != null:
                    return ErrnoResultHeldBy(local, model, known, cancellation) is string callee ? $"'{local.Name}' (from {callee}())" : null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// Flow-insensitively: the callee when every write of <paramref name="local"/> is the result of a negative-errno method
        /// or a constant ≤ 0 (and one is such a result); null when any write is something else or is not understood.
        /// </summary>
        private static string? ErrnoResultHeldBy(ILocalSymbol local, SemanticModel model, KnownSymbols known, CancellationToken cancellation)
        {
            if (LocalWrites.Find(local, model, cancellation) is not { } writes)
            {
                return null;
            }

            string? callee = null;
            foreach (var write in writes)
            {
                var operation = write.Value is null ? null : model.GetOperation(write.Value, cancellation);
                while (operation is IConversionOperation conversion)
                {
                    operation = conversion.Operand;
                }

                if (operation is IInvocationOperation call && known.ReturnsNegativeErrno(call.TargetMethod, cancellation))
                {
                    callee ??= call.TargetMethod.Name;
                }
                else if (operation?.ConstantValue is not { HasValue: true, Value: int constant } || constant > 0)
                {
                    return null;
                }
            }

            return callee;
        }

        private static string? ErrnoName(long value, KnownSymbols known)
        {
            foreach (var member in known.Errno!.GetMembers())
            {
                if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int errno } && errno == value)
                {
                    return member.Name;
                }
            }

            return null;
        }
    }
}
