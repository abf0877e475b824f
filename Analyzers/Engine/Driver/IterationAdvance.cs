using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// Tells a skip from a retry in a loop. A failed map whose path reaches the same acquisition again is retried,
    /// unless the loop advanced what the acquisition maps on the way: <c>for (…; …; addr += PageSize)</c> or the
    /// next element of a <c>foreach</c>. Then the failed page was skipped (a silent skip), and the next iteration
    /// is a new acquisition, not a retry.
    /// </summary>
    internal sealed class IterationAdvance
    {
        private readonly Dictionary<int, HashSet<string>?> advancedByBlock = new Dictionary<int, HashSet<string>?>();

        /// <summary>
        /// The identifiers each acquisition's call reads, by site index, collected once: a long method carries many
        /// failed sites through many loop steps, and walking a call's tokens at each of them made it quadratic.
        /// </summary>
        private readonly Dictionary<int, HashSet<string>> namesReadBySite = new Dictionary<int, HashSet<string>>();

        /// <summary>Whether <paramref name="block"/> is a loop's step at all (most blocks are not: a cheap test first).</summary>
        public bool IsStep(BasicBlock block) => AdvancedBy(block) != null;

        /// <summary>Whether <paramref name="block"/> advances a loop variable that <paramref name="site"/>'s call reads.</summary>
        public bool Advances(BasicBlock block, AcquireSite site) => AdvancedBy(block) is { } advanced && advanced.Overlaps(NamesRead(site));

        private HashSet<string> NamesRead(AcquireSite site)
        {
            if (!namesReadBySite.TryGetValue(site.Index, out var names))
            {
                names = new HashSet<string>(System.StringComparer.Ordinal);
                foreach (var token in site.Invocation.Syntax.DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken))
                    {
                        names.Add(token.ValueText);
                    }
                }

                namesReadBySite[site.Index] = names;
            }

            return names;
        }

        private HashSet<string>? AdvancedBy(BasicBlock block)
        {
            if (!advancedByBlock.TryGetValue(block.Ordinal, out var advanced))
            {
                advancedByBlock[block.Ordinal] = advanced = Advanced(block);
            }

            return advanced;
        }

        /// <summary>The names a for loop's incrementors write, or a foreach's iteration variables, when the block is that step.</summary>
        private static HashSet<string>? Advanced(BasicBlock block)
        {
            var syntax = block.Operations.Length > 0 ? block.Operations[0].Syntax : block.BranchValue?.Syntax;
            if (syntax is null)
            {
                return null;
            }

            if (syntax is ForEachStatementSyntax or ForEachVariableStatementSyntax)
            {
                var names = new HashSet<string>(System.StringComparer.Ordinal);
                if (syntax is ForEachStatementSyntax each)
                {
                    names.Add(each.Identifier.ValueText);
                }
                else if (syntax is ForEachVariableStatementSyntax variables)
                {
                    foreach (var designation in variables.Variable.DescendantNodesAndSelf())
                    {
                        if (designation is SingleVariableDesignationSyntax single)
                        {
                            names.Add(single.Identifier.ValueText);
                        }
                    }
                }

                return names;
            }

            foreach (var ancestor in syntax.AncestorsAndSelf())
            {
                if (ancestor is ForStatementSyntax loop && loop.Incrementors.Count > 0 && loop.Incrementors.FullSpan.Contains(syntax.Span))
                {
                    var names = new HashSet<string>(System.StringComparer.Ordinal);
                    foreach (var incrementor in loop.Incrementors)
                    {
                        var target = incrementor switch
                        {
                            AssignmentExpressionSyntax assignment => assignment.Left,
                            PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                            PrefixUnaryExpressionSyntax prefix => prefix.Operand,
                            _ => null,
                        };
                        if (target is IdentifierNameSyntax name)
                        {
                            names.Add(name.Identifier.ValueText);
                        }
                    }

                    return names;
                }

                if (ancestor is StatementSyntax)
                {
                    break;
                }
            }

            return null;
        }
    }
}
