using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD302: a charge ([Charges]: blocks accounted, a folio reference, a page-cache entry, GUP pins) taken in the
    /// method and still held where a path leaves it with an error. Reported at the error exit, once per charge and
    /// exit; the fix (the charge's undo right before the exit) is offered where every path to that exit holds it.
    /// </summary>
    internal static class UndoOnErrorRule
    {
        /// <summary>Property carrying the statement that undoes the charge, when the fix is right at this exit.</summary>
        public const string UndoProperty = "Undo";

        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            if (findings.ChargeLeaks.Count == 0)
            {
                return;
            }

            // One exit may be reached on several partitions: the fix is right only if every one holds the charge.
            var byExit = new Dictionary<(SyntaxNode Site, SyntaxNode? Exit), ChargeLeakFinding>();
            foreach (var leak in findings.ChargeLeaks)
            {
                var key = (leak.Site, leak.Exit);
                byExit[key] = byExit.TryGetValue(key, out var seen) && !seen.Must ? seen : leak;
            }

            foreach (var leak in byExit.Values)
            {
                var location = (leak.Exit ?? leak.Site).GetLocation();
                var properties = leak.Must && leak.Undo != null && leak.Exit != null
                    ? ImmutableDictionary<string, string?>.Empty.Add(UndoProperty, leak.Undo)
                    : ImmutableDictionary<string, string?>.Empty;
                int line = leak.Site.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                string advice = leak.Undo is null ? string.Empty : $"; call '{leak.Undo}' before it";
                report(Diagnostic.Create(Descriptors.KD302UndoOnError, location, new[] { leak.Site.GetLocation() }, properties,
                    leak.Resource, RuleText.Shorten(leak.Site), line, advice));
            }
        }
    }
}
