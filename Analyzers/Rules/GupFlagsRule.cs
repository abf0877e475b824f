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
    /// KD303: a get_user_pages-style call ([FollFlags] and [FollPages] parameters) whose known flags do not match its
    /// pages argument (seed 004): FOLL_GET or FOLL_PIN without a pages array, a pages array without either, or both.
    /// </summary>
    internal static class GupFlagsRule
    {
        /// <summary>Property telling the fix what to change: "DropGet", "DropPin" or "AddGet".</summary>
        public const string ActionProperty = "Action";

        public static void Report(Findings findings, KnownSymbols known, Action<Diagnostic> report)
        {
            var gupFlags = known.FollFlags?.ContainingNamespace.GetTypeMembers("GupFlags").FirstOrDefault();
            long get = FlagValue(gupFlags, "Get"), pin = FlagValue(gupFlags, "Pin");
            var seen = new HashSet<SyntaxNode>();
            foreach (var (call, flags) in findings.GupCalls)
            {
                if (flags is not long value || get == 0 || pin == 0 || !seen.Add(call.Syntax))
                {
                    continue;
                }

                var annotation = known.Annotation(call.TargetMethod);
                bool? pagesNull = PagesNull(call, annotation.FollPagesOrdinal);
                bool hasGet = (value & get) != 0, hasPin = (value & pin) != 0;
                bool impliedPin = (annotation.ImpliedFollFlags & pin) != 0;
                (string What, string? Action)? problem =
                    hasGet && hasPin ? ("asks for FOLL_GET and FOLL_PIN together: a page is either referenced or pinned", "DropGet")
                    : (hasGet || hasPin) && pagesNull == true ? ($"asks for {(hasPin ? "FOLL_PIN" : "FOLL_GET")} but passes no pages array", impliedPin ? null : hasPin ? "DropPin" : "DropGet")
                    : !hasGet && !hasPin && pagesNull == false ? ("passes a pages array without FOLL_GET or FOLL_PIN: the pages would come back unreferenced", "AddGet")
                    : null;
                if (problem is not { } found)
                {
                    continue;
                }

                var properties = found.Action is null ? ImmutableDictionary<string, string?>.Empty : ImmutableDictionary<string, string?>.Empty.Add(ActionProperty, found.Action);
                report(Diagnostic.Create(Descriptors.KD303GupFlags, call.Syntax.GetLocation(), properties, RuleText.Shorten(call.Syntax), found.What));
            }
        }

        /// <summary>Whether the pages argument is known null (true), known non-null (false), or unknown (null).</summary>
        private static bool? PagesNull(IInvocationOperation call, int ordinal)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal != ordinal)
                {
                    continue;
                }

                var value = argument.Value;
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                if (value.ConstantValue is { HasValue: true, Value: null } || value is IDefaultValueOperation)
                {
                    return true;
                }

                if (value is IArrayCreationOperation)
                {
                    return false;
                }

                // A parameter, field or property declared non-nullable (`Folio?[] pages`) holds an array.
                if (value is IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation &&
                    value.Type?.NullableAnnotation == NullableAnnotation.NotAnnotated)
                {
                    return false;
                }

                var flow = value.SemanticModel?.GetTypeInfo(value.Syntax).Nullability.FlowState;
                return flow == NullableFlowState.NotNull ? false : (bool?)null;
            }

            return null;
        }

        private static long FlagValue(INamedTypeSymbol? type, string name)
        {
            foreach (var member in type?.GetMembers(name) ?? ImmutableArray<ISymbol>.Empty)
            {
                if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int value })
                {
                    return value;
                }
            }

            return 0;
        }
    }
}
