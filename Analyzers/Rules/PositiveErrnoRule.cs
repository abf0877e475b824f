using System;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD304: a method that returns negative errnos (some return is a known -Errno.X) also returns a positive Errno
    /// constant — directly (<c>return Errno.EAGAIN;</c>) or through a local (<c>ret = Errno.EFAULT; … return ret;</c>).
    /// </summary>
    internal static class PositiveErrnoRule
    {
        public static void Report(Findings findings, KnownSymbols known, Action<Diagnostic> report)
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
                    negative,
                    "Errno." + name));
            }
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
