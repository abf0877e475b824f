using System;
using System.Collections.Generic;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>KD206: a call that breaks its callee's [MustHold]/[MustNotHold] contract, or a body that gives back its callers' lock.</summary>
    internal static class LockContractRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            var seen = new HashSet<(SyntaxNode, string)>();
            foreach (var finding in findings.Contracts)
            {
                if (!seen.Add((finding.At, finding.Lock)))
                {
                    continue;
                }

                string callee = finding.Callee.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet
                    ? finding.Callee.AssociatedSymbol?.Name ?? finding.Callee.Name
                    : finding.Callee.Name + "()";
                string message = finding.Problem switch
                {
                    ContractProblem.NotHeld => Descriptors.ContractBroken(callee, finding.Lock,
                        (finding.Mode == LockMode.Exclusive ? "exclusive" : "shared") + (finding.SomePaths ? "-some" : string.Empty)),
                    ContractProblem.HeldShared => Descriptors.ContractBroken(callee, finding.Lock, "only-shared"),
                    ContractProblem.HeldButExcluded => Descriptors.ContractExcluded(callee, finding.Lock, RuleText.Line(finding.HeldSince!), finding.SomePaths),
                    _ => Descriptors.ContractReleasedAtExit(finding.Callee.Name, finding.Lock),
                };
                report(Diagnostic.Create(Descriptors.KD206LockContract, finding.At.GetLocation(), RuleText.Shorten(finding.At), message));
            }
        }
    }
}
