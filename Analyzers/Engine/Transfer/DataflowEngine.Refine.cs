using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What a branch condition tells on each of its edges: null tests of followed values, try-locks, taken flags, charge results.</summary>
    internal sealed partial class DataflowEngine
    {
        private sealed partial class Transfer
        {
            /// <summary>Narrows <paramref name="facts"/> for the edge where <paramref name="condition"/> is <paramref name="truth"/>; false when that edge is impossible.</summary>
            public bool Refine(IOperation condition, bool truth, FlowFacts facts, ref int key)
            {
                var unwrapped = Unwrap(condition);
                if (!truth && unwrapped is IIsPatternOperation { Pattern: IDeclarationPatternOperation { MatchesNull: true } or IDiscardPatternOperation })
                {
                    return false; // `case var x` / `_` always match: the graph's edge past them is never taken
                }

                if (unwrapped is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation && Value(negation.Operand).TryLock != null)
                {
                    return Refine(negation.Operand, !truth, facts, ref key);
                }

                var flag = facts.LockLocals.TakenFlags.Count == 0 ? null : unwrapped switch
                {
                    ILocalReferenceOperation local => local.Local,
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } => assigned.Local, // `if (ok = Monitor.TryEnter(x))`
                    _ => null,
                };
                if (flag != null && facts.LockLocals.TakenFlags.TryGetValue(flag, out var taken))
                {
                    if (taken.Decided is bool decided)
                    {
                        return decided == truth; // an earlier branch on the flag decided it (a try's test, then its finally's)
                    }

                    facts.LockLocals.TakenFlags[flag] = taken.Deciding(truth);
                    if (facts.Locks.TryGet(taken.Lock, out var held))
                    {
                        if (truth != taken.TakenWhen)
                        {
                            engine.RemoveLock(facts, taken.Lock, held.Mode, held.Site, Removal.Drop); // the lock statement's finally: not taken, nothing to release
                        }
                        else if (held.May)
                        {
                            facts.Locks.Held[taken.Lock] = held.AsMust(); // a stored try-lock's result: taken on this edge
                        }
                    }

                    return true;
                }

                if (Value(unwrapped).TryLock is { } tryLock)
                {
                    if (truth == tryLock.Success)
                    {
                        engine.AddLock(facts, new LockFact(tryLock.Id, tryLock.Class, tryLock.Mode, LockSource.TryAcquired, tryLock.Site,
                            reentrant: tryLock.Reentrant, quiet: tryLock.Quiet, upgradeable: tryLock.Upgradeable), checkClasses: false);
                    }

                    return true;
                }

                RefineResult(condition, truth, facts);
                RefineErrnos(unwrapped, truth, facts);
                if (unwrapped is IIsPatternOperation { Pattern: IRecursivePatternOperation { DeconstructionSubpatterns.Length: > 0 } recursive } tuplePattern &&
                    ElementsOf(tuplePattern.Value, facts, out var elements, out var elementOperations) && elements.Length == recursive.DeconstructionSubpatterns.Length)
                {
                    return RefineElements(recursive, elements, elementOperations, truth, facts, ref key);
                }

                if (!TryNullTest(condition, out SiteSet resources, out var whenTrue, out var whenFalse, out var declared, out var lockId, out var operand))
                {
                    return true;
                }

                return ApplyNullTest(facts, truth ? whenTrue : whenFalse, resources, declared, lockId, operand, ref key);
            }

            /// <summary>
            /// What one null test tells on its edge (<paramref name="implied"/>) of the value <paramref name="operand"/> holds:
            /// a failed acquisition's path, a bound variable, locks a null reference cannot hold; false when the edge is impossible.
            /// </summary>
            private bool ApplyNullTest(FlowFacts facts, Implies implied, SiteSet resources, ISymbol? declared, Capability? lockId, IOperation? operand, ref int key)
            {
                if (implied == Implies.Nothing)
                {
                    return true;
                }

                if (operand != null && ValueIn(operand, facts).KnownNull)
                {
                    return implied == Implies.Null; // null on every path here (`x?.M()` when x was null): never non-null
                }

                if (implied == Implies.Null && lockId != null)
                {
                    ForgetLocksWithin(facts, lockId); // a null reference holds no lock
                    ForgetCharges(facts, lockId, within: true); // and was charged nothing: `x?.Get()` then `x?.Put()`
                }

                if (implied == Implies.Null && operand != null && PathOf(Unwrap(operand)) is { Member: null } nullPath &&
                    engine.NotMadeWhenNull(nullPath.Root) is { IsEmpty: false } notMade)
                {
                    NotMade(facts, notMade);
                }

                if (resources.IsEmpty)
                {
                    return true;
                }

                bool feasible = false;
                int failedSite = -1;
                foreach (int site in Bits(resources))
                {
                    var fact = facts.Sites.Facts[site];
                    if (implied == Implies.Null)
                    {
                        if ((fact & Fact.Null) == 0)
                        {
                            continue;
                        }

                        if ((fact & (Fact.Held | Fact.Live)) != 0 && engine.siteList[site].Annotation.Fallible)
                        {
                            failedSite = site;
                        }

                        facts.Sites.Facts[site] = Fact.Null;
                        DropSiteLock(facts, site);
                        feasible = true;
                    }
                    else if ((fact & ~Fact.Null) != 0 || fact == Fact.None)
                    {
                        facts.Sites.Facts[site] = fact & ~Fact.Null;
                        feasible = true;
                        if ((fact & ~Fact.Null) == Fact.Held && resources.Equals(SiteSet.Of(site)) &&
                            facts.Locks.TryGet(engine.siteList[site].Capability, out var siteLock) && siteLock.May)
                        {
                            // `var ptl = huge ? pmd.Lock() : null; if (ptl != null) …`: non-null, it is that one result, held.
                            facts.Locks.Held[siteLock.Id] = siteLock.AsMust();
                        }
                    }
                }

                // A variable that holds the result on some paths only (null on others) tells nothing about a failure.
                if (failedSite >= 0 && !(operand != null && PathOf(Unwrap(operand)) is { } tested && facts.Sites.Partial.ContainsKey(tested)))
                {
                    key = failedSite;
                }

                // `x is {} m` binds m when true; `x is not {} m` binds it when false: wherever non-null is implied.
                if (feasible && implied == Implies.NonNull && declared != null)
                {
                    facts.Sites.Vars[new PathKey(declared, null)] = resources;
                }

                return feasible;
            }

            /// <summary>A value on this edge: this block's, else a flow capture's as the edge's facts hold it.</summary>
            private AbstractValue ValueIn(IOperation operation, FlowFacts facts)
            {
                var unwrapped = Unwrap(operation);
                return unwrapped is IFlowCaptureReferenceOperation capture && facts.Known.Captures.TryGetValue(capture.Id, out var captured) ? captured : Value(operation);
            }

            /// <summary>
            /// A local written: a try-lock's result stored in it (<c>bool ok = Monitor.TryEnter(x)</c>) says whether the lock
            /// was taken, as a <c>ref bool taken</c> does: the lock is held on some paths from here (those where it
            /// succeeded), on every path where the flag says taken (true, or false for <c>SuccessValue = false</c>), on
            /// none where it says not. Any other write ends what the local said.
            /// </summary>
            private void NoteFlagWrite(ISymbol local, AbstractValue value)
            {
                if (Facts.LockLocals.TakenFlags.Count > 0)
                {
                    Facts.LockLocals.TakenFlags.Remove(local);
                }

                if (value.TryLock is { } tryLock && local is ILocalSymbol { Type.SpecialType: SpecialType.System_Boolean })
                {
                    bool held = Facts.Locks.ContainsHeld(tryLock.Id);
                    engine.AddLock(Facts, new LockFact(tryLock.Id, tryLock.Class, tryLock.Mode, LockSource.TryAcquired, tryLock.Site,
                        reentrant: tryLock.Reentrant, quiet: tryLock.Quiet, upgradeable: tryLock.Upgradeable), checkClasses: false);
                    if (!held && Facts.Locks.TryGet(tryLock.Id, out var taken))
                    {
                        Facts.Locks.Held[tryLock.Id] = taken.AsMay();
                    }

                    Facts.LockLocals.TakenFlags[local] = new TakenFlag(tryLock.Id, takenWhen: tryLock.Success);
                }
            }

            /// <summary>
            /// The elements of a tuple a pattern tests: written out (<c>(pte, x) is (null, _)</c>), or captured for a switch.
            /// <paramref name="operations"/> is null when only their values are kept.
            /// </summary>
            private bool ElementsOf(IOperation tuple, FlowFacts facts, out AbstractValue[] elements, out IOperation?[]? operations)
            {
                var unwrapped = Unwrap(tuple);
                elements = ValueIn(unwrapped, facts).Elements ?? System.Array.Empty<AbstractValue>();
                operations = null;
                if (unwrapped is ITupleOperation written && written.Elements.Length == elements.Length)
                {
                    operations = new IOperation?[elements.Length];
                    for (int i = 0; i < elements.Length; i++)
                    {
                        operations[i] = written.Elements[i];
                    }
                }

                return elements.Length > 0;
            }

            /// <summary>
            /// A positional pattern on a tuple (<c>(null, _)</c>, <c>(var m, null)</c>): when it matches, each element matches
            /// its own pattern; when it does not, only a pattern with a single element that can fail says which one did not.
            /// </summary>
            private bool RefineElements(IRecursivePatternOperation pattern, AbstractValue[] elements, IOperation?[]? operations, bool truth, FlowFacts facts, ref int key)
            {
                var subpatterns = pattern.DeconstructionSubpatterns;
                int fallible = -1, fallibleCount = 0;
                for (int i = 0; i < subpatterns.Length; i++)
                {
                    if (!AlwaysMatches(subpatterns[i]))
                    {
                        fallible = i;
                        fallibleCount++;
                    }
                }

                if (!truth)
                {
                    if (fallibleCount == 0)
                    {
                        return false; // `(_, var x)` always matches
                    }

                    return fallibleCount > 1 || IsValueType(subpatterns[fallible].InputType) ||
                        ApplyNullTest(facts, Classify(subpatterns[fallible], subpatterns[fallible].InputType).NonMatch, elements[fallible].Resources,
                            null, elements[fallible].Lock, operations?[fallible], ref key);
                }

                bool feasible = true;
                for (int i = 0; i < subpatterns.Length && feasible; i++)
                {
                    var declared = DeclaredSymbol(subpatterns[i]);
                    if (IsValueType(subpatterns[i].InputType))
                    {
                        continue;
                    }

                    var match = Classify(subpatterns[i], subpatterns[i].InputType).Match;
                    feasible = ApplyNullTest(facts, match, elements[i].Resources, declared, elements[i].Lock, operations?[i], ref key);
                    if (feasible && match != Implies.NonNull && declared != null && !elements[i].Resources.IsEmpty)
                    {
                        facts.Sites.Vars[new PathKey(declared, null)] = elements[i].Resources; // `var m` binds whatever the element is
                    }
                }

                return feasible;
            }

            private static bool AlwaysMatches(IPatternOperation pattern) =>
                pattern is IDiscardPatternOperation or IDeclarationPatternOperation { MatchesNull: true };

            /// <summary>A struct (a tuple) is never null: a pattern on it says nothing of null.</summary>
            private static bool IsValueType(ITypeSymbol? type) =>
                type is { IsValueType: true } && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;

            /// <summary>The receiver these acquisitions were called on through <c>?.</c> is null: they were not made on this path.</summary>
            private void NotMade(FlowFacts facts, SiteSet sites)
            {
                foreach (int site in Bits(sites))
                {
                    facts.Sites.Facts[site] &= ~(Fact.Held | Fact.Null | Fact.Live);
                    DropSiteLock(facts, site);
                }
            }

            private bool TryNullTest(IOperation condition, out SiteSet resources, out Implies whenTrue, out Implies whenFalse, out ISymbol? declared) =>
                TryNullTest(condition, out resources, out whenTrue, out whenFalse, out declared, out _, out _) && !resources.IsEmpty;

            /// <summary>A null test of <paramref name="operand"/>: what it implies when true and when false.</summary>
            private bool TryNullTest(IOperation condition, out SiteSet resources, out Implies whenTrue, out Implies whenFalse, out ISymbol? declared, out Capability? lockId,
                out IOperation? operand)
            {
                resources = SiteSet.Empty;
                whenTrue = whenFalse = Implies.Nothing;
                declared = null;
                lockId = null;
                operand = null;
                switch (Unwrap(condition))
                {
                    case IIsNullOperation isNull:
                        operand = isNull.Operand;
                        resources = Value(isNull.Operand).Resources;
                        whenTrue = Implies.Null;
                        whenFalse = Implies.NonNull;
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                        operand = IsNullLiteral(binary.RightOperand) ? binary.LeftOperand : IsNullLiteral(binary.LeftOperand) ? binary.RightOperand : null;
                        if (operand is null)
                        {
                            return false;
                        }

                        resources = Value(operand).Resources;
                        bool equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                        whenTrue = equals ? Implies.Null : Implies.NonNull;
                        whenFalse = equals ? Implies.NonNull : Implies.Null;
                        break;
                    case IIsPatternOperation pattern when IsValueType(pattern.Value.Type):
                        return false; // a tuple is never null: its elements are tested by RefineElements
                    case IIsPatternOperation pattern:
                        operand = pattern.Value;
                        resources = Value(pattern.Value).Resources;
                        (whenTrue, whenFalse) = Classify(pattern.Pattern, pattern.Value.Type);
                        declared = DeclaredSymbol(pattern.Pattern);
                        break;
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                        return TryNullTest(not.Operand, out resources, out whenFalse, out whenTrue, out _, out lockId, out operand);
                    default:
                        return false;
                }

                lockId = operand is null ? lockId : Value(operand).Lock;
                return true;
            }

            private static bool IsNullLiteral(IOperation operation)
            {
                var unwrapped = Unwrap(operation);
                return unwrapped.ConstantValue.HasValue && unwrapped.ConstantValue.Value is null;
            }

            /// <summary>What a pattern's match and non-match say about null.</summary>
            private static (Implies Match, Implies NonMatch) Classify(IPatternOperation pattern, ITypeSymbol? input)
            {
                switch (pattern)
                {
                    case IConstantPatternOperation constant when IsNullLiteral(constant.Value):
                        return (Implies.Null, Implies.NonNull);
                    case INegatedPatternOperation negated:
                        var (match, nonMatch) = Classify(negated.Pattern, input);
                        return (nonMatch, match);
                    case IDeclarationPatternOperation declaration:
                        return declaration.MatchesNull ? (Implies.Nothing, Implies.Nothing) : (Implies.NonNull, Covers(declaration.MatchedType, input) ? Implies.Null : Implies.Nothing);
                    case ITypePatternOperation type:
                        return (Implies.NonNull, Covers(type.MatchedType, input) ? Implies.Null : Implies.Nothing);
                    case IRecursivePatternOperation recursive:
                        bool plain = recursive.DeconstructionSubpatterns.Length == 0 && recursive.PropertySubpatterns.Length == 0;
                        return (Implies.NonNull, plain && Covers(recursive.MatchedType, input) ? Implies.Null : Implies.Nothing);
                    default:
                        return (Implies.Nothing, Implies.Nothing);
                }
            }

            /// <summary>Whether every non-null value of <paramref name="input"/> is a <paramref name="matched"/>.</summary>
            private static bool Covers(ITypeSymbol? matched, ITypeSymbol? input)
            {
                if (matched is null || input is null)
                {
                    return true;
                }

                for (var type = input; type != null; type = type.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, matched.OriginalDefinition))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static ISymbol? DeclaredSymbol(IPatternOperation pattern) => pattern switch
            {
                IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
                IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
                INegatedPatternOperation negated => DeclaredSymbol(negated.Pattern),
                _ => null,
            };
        }
    }
}
