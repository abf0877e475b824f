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
        /// <summary>Property naming the lock as the enclosing method's [MustHold] would (absent: no fix).</summary>
        public const string MustHoldProperty = "MustHold";

        /// <summary>Property saying that holding the lock for read suffices ("true") or not.</summary>
        public const string SharedProperty = "Shared";

        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            var seen = new HashSet<SyntaxNode>();
            foreach (var finding in findings.Guards)
            {
                if (!seen.Add(finding.At))
                {
                    continue;
                }

                bool write = finding.Problem != GuardProblem.ReadWithoutLock;
                var properties = ImmutableDictionary<string, string?>.Empty;
                if (finding.ContractText != null)
                {
                    properties = properties.Add(MustHoldProperty, finding.ContractText).Add(SharedProperty, write ? "false" : "true");
                }

                report(Diagnostic.Create(
                    Descriptors.KD205GuardedData,
                    finding.At.GetLocation(),
                    properties,
                    RuleText.Shorten(finding.At),
                    Descriptors.GuardedAccess(write ? "writes" : "reads", finding.Member.Name, finding.Lock, finding.Pointee, finding.SomePaths, write,
                        finding.Problem == GuardProblem.WriteUnderShared, finding.Problem == GuardProblem.ReferenceEscapes)));
            }
        }
    }
}
