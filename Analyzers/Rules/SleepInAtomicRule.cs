using System;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>KD203: a sleeping lock or a [MightSleep] call while a spinning lock is held or a lockless map is live.</summary>
    internal static class SleepInAtomicRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report) =>
            RuleText.ReportLocks(findings, LockProblem.SleepInAtomic, report, finding => Diagnostic.Create(
                Descriptors.KD203SleepInAtomic,
                finding.At.GetLocation(),
                new[] { finding.Held!.Value.Site.GetLocation() },
                System.Collections.Immutable.ImmutableDictionary<string, string?>.Empty
                    .Add(RuleText.SpinningHeldProperty, finding.SpinningHeld.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Add(RuleText.HeldReleaseProperty, finding.HeldRelease),
                RuleText.Shorten(finding.At),
                finding.AtAwait ? "may resume on another thread" : "may sleep",
                HeldName(finding.Held.Value),
                RuleText.Line(finding.Held.Value.Site),
                Advice(finding)));

        /// <summary>The held lock by its class, else (a TicketLock that names none) by the member or variable that holds it.</summary>
        private static string HeldName(LockFact held) =>
            held.Class ?? (held.Id.Symbol is { } symbol ? "'" + symbol.Name + "'" : RuleText.Class(null));

        private static string Advice(LockFinding finding)
        {
            string held = HeldName(finding.Held!.Value);
            return finding.AtAwait ? Descriptors.AwaitAdvice(held)
                : finding.Class != null ? Descriptors.SleepingLockAdvice(held)
                : Descriptors.SleepingCallAdvice(held);
        }
    }
}
