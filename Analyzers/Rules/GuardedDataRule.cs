using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>KD205: guarded data read without its lock, written without it held exclusively, or its reference let out.</summary>
    internal static class GuardedDataRule
    {
        /// <summary>
        /// Properties for the fix: the locks the function's [MustHold] would name, exclusively (written somewhere in the
        /// function) and for read (only read), newline-separated. Every diagnostic of a function carries the same ones,
        /// so one fix, or Fix All, adds one contract that covers them all.
        /// </summary>
        public const string MustHoldProperty = "MustHold";

        public const string MustHoldSharedProperty = "MustHoldShared";

        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            if (findings.Guards.Count == 0)
            {
                return;
            }

            var properties = ContractProperties(findings.Guards);
            var seen = new HashSet<SyntaxNode>();
            foreach (var finding in findings.Guards)
            {
                if (!seen.Add(finding.At))
                {
                    continue;
                }

                bool write = finding.Problem != GuardProblem.ReadWithoutLock;
                report(Diagnostic.Create(
                    Descriptors.KD205GuardedData,
                    finding.At.GetLocation(),
                    properties,
                    RuleText.Shorten(finding.At),
                    Descriptors.GuardedAccess(write ? "writes" : "reads", finding.Member.Name, finding.Lock, finding.Pointee, finding.SomePaths, write,
                        finding.Problem == GuardProblem.WriteUnderShared, finding.Problem == GuardProblem.ReferenceEscapes)));
            }
        }

        private static ImmutableDictionary<string, string?> ContractProperties(List<GuardedAccessFinding> guards)
        {
            var exclusive = new SortedSet<string>(StringComparer.Ordinal);
            var shared = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var finding in guards)
            {
                if (finding.ContractText != null)
                {
                    (finding.Problem == GuardProblem.ReadWithoutLock ? shared : exclusive).Add(finding.ContractText);
                }
            }

            shared.ExceptWith(exclusive);
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (exclusive.Count > 0)
            {
                properties = properties.Add(MustHoldProperty, string.Join("\n", exclusive));
            }

            if (shared.Count > 0)
            {
                properties = properties.Add(MustHoldSharedProperty, string.Join("\n", shared));
            }

            return properties;
        }
    }
}
