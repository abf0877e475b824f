using System;
using System.Collections.Generic;
using System.Threading;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD304: a method that returns negative errnos (some return may be a -Errno.X) also returns a positive Errno
    /// constant — directly (<c>return Errno.EAGAIN;</c>), as an arm of <c>?:</c>, or through a local on some path
    /// (<c>ret = Errno.EFAULT; … goto out; … out: return ret;</c>: the engine's errno table); and a result that is a
    /// negative errno by contract compared with a positive one (<c>if (err == Errno.EAGAIN)</c>, <c>is Errno.EAGAIN or …</c>).
    /// </summary>
    internal static class PositiveErrnoRule
    {
        public static void Report(Findings findings, KnownSymbols known, Action<Diagnostic> report, CancellationToken cancellation)
        {
            ReportComparisons(findings, known, report, cancellation);
            ReportReturns(findings, known, report, cancellation);
        }

        private static void ReportReturns(Findings findings, KnownSymbols known, Action<Diagnostic> report, CancellationToken cancellation)
        {
            if (known.Errno is null || findings.ReturnedErrnos is null || findings.Function is not { IsAsync: false } function ||
                function.ReturnType.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return;
            }

            // The convention shown: a known -Errno.X returned, else a -Errno.X the body returns or stores.
            string? negative = null;
            foreach (var (value, constant) in findings.Returns)
            {
                if (negative is null && constant.IsKnown && constant.Value < 0 && ErrnoName(-constant.Value, known) != null)
                {
                    negative = RuleText.Shorten(value.Syntax);
                }
            }

            negative ??= NegatedErrnoWritten(function, findings.Model, known, cancellation) is { } written ? RuleText.Shorten(written) : null;
            if (negative is null)
            {
                return;
            }

            // What may reach a return on some path: written there, through a local, a label, a loop's break, a join
            // with other values, an arm of ?:.
            var seen = new HashSet<(SyntaxNode, SyntaxNode)>();
            foreach (var (value, errnos) in findings.ReturnedErrnos)
            {
                foreach (var errno in errnos.Items)
                {
                    if (seen.Add((value.Syntax, errno.Syntax)))
                    {
                        report(Diagnostic.Create(
                            Descriptors.KD304PositiveErrno,
                            value.Syntax.GetLocation(),
                            new[] { errno.Syntax.GetLocation() },
                            RuleText.Shorten(value.Syntax),
                            $"returns a positive errno where this method's errors are negative ({negative})",
                            "Errno." + errno.Name));
                    }
                }
            }
        }

        /// <summary>
        /// A <c>-Errno.X</c> of the Runtime's Errno that <paramref name="function"/>'s own body returns or stores in a variable
        /// (an initializer, an assignment, an arm of <c>?:</c> there): the negative convention, where the engine's
        /// constants lost it at a join (<c>int ret = -Errno.ENOMEM; if (…) ret = …; return ret;</c>).
        /// </summary>
        private static SyntaxNode? NegatedErrnoWritten(IMethodSymbol function, SemanticModel? model, KnownSymbols known, CancellationToken cancellation)
        {
            foreach (var reference in function.DeclaringSyntaxReferences)
            {
                var root = reference.GetSyntax(cancellation);
                if (model is null || model.SyntaxTree != root.SyntaxTree)
                {
                    continue;
                }

                foreach (var node in root.DescendantNodes(node => node == root || node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
                {
                    if (node is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus && IsWrittenOrReturned(minus) &&
                        model.GetSymbolInfo(minus.Operand, cancellation).Symbol is IFieldSymbol { HasConstantValue: true } field &&
                        SymbolEqualityComparer.Default.Equals(field.ContainingType, known.Errno))
                    {
                        return minus;
                    }
                }
            }

            return null;
        }

        private static bool IsWrittenOrReturned(ExpressionSyntax expression)
        {
            SyntaxNode node = expression;
            while (node.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax ||
                   (node.Parent is ConditionalExpressionSyntax conditional && conditional.Condition != node))
            {
                node = node.Parent;
            }

            return node.Parent switch
            {
                ReturnStatementSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax } => true,
                AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment => assignment.Right == node,
                _ => false,
            };
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
                case ISimpleAssignmentOperation assignment:
                    // `(ret = uffd.Copy(…)) == Errno.EAGAIN`: the value assigned is the one compared.
                    var assigned = assignment.Value;
                    while (assigned is IConversionOperation conversion)
                    {
                        assigned = conversion.Operand;
                    }

                    return NegativeErrnoResult(assigned, model, known, cancellation);
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
