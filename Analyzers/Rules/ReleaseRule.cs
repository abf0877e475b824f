using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Rules
{
    /// <summary>
    /// KD103: a successful map or lock released on every path out (unless handed on); a map, or an object whose charge was
    /// given back, not used after (a lock returned by its acquisition may be taken again).
    /// </summary>
    internal static class ReleaseRule
    {
        public static void Report(Findings findings, Action<Diagnostic> report)
        {
            foreach (var group in findings.Leaks.GroupBy(leak => leak.Site))
            {
                var site = group.Key;
                var exits = new List<LeakFinding>();
                bool endOfBody = false, endOfBodyMaybeNull = false;
                string? holder = null;
                foreach (var leak in group)
                {
                    holder ??= leak.Holder;
                    if (leak.Exit is null)
                    {
                        endOfBody = true;
                        endOfBodyMaybeNull |= leak.MaybeNull;
                    }
                    else if (!exits.Any(e => e.Exit == leak.Exit))
                    {
                        exits.Add(leak);
                    }
                    else if (leak.MaybeNull)
                    {
                        int index = exits.FindIndex(e => e.Exit == leak.Exit);
                        exits[index] = leak;
                    }
                }

                string release = site.Annotation.ReleaseMethodName ?? "its release";
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(RuleText.ReleaseProperty, site.Annotation.ReleaseMethodName)
                    .Add(RuleText.HolderProperty, holder)
                    .Add(RuleText.ExitsMaybeNullProperty, string.Join(",", exits.Select(e => e.MaybeNull ? "1" : "0")))
                    .Add(RuleText.EndOfBodyProperty, endOfBody ? (endOfBodyMaybeNull ? "maybe-null" : "held") : null);
                report(Diagnostic.Create(
                    Descriptors.KD103Release,
                    site.Invocation.Syntax.GetLocation(),
                    exits.Select(e => e.Exit!.GetLocation()),
                    properties,
                    RuleText.Call(site),
                    Descriptors.NotReleased(release + "()")));
            }

            var used = new HashSet<AcquireSite>();
            foreach (var use in findings.Uses)
            {
                if (use.Kind != UseKind.AfterRelease || !used.Add(use.Site))
                {
                    continue;
                }

                var at = use.Operation switch
                {
                    IInvocationOperation { Instance: { } instance } => instance.Syntax,
                    IMemberReferenceOperation { Instance: { } instance } => instance.Syntax,
                    _ => use.Operation.Syntax,
                };
                report(Diagnostic.Create(
                    Descriptors.KD103Release,
                    at.GetLocation(),
                    new[] { use.Site.Invocation.Syntax.GetLocation() },
                    RuleText.Shorten(at),
                    use.Site.Annotation.ChargesReturn is { } charge ? Descriptors.UsedAfterUncharge(charge.Resource, charge.Undo) : Descriptors.UsedAfterRelease));
            }
        }
    }
}
