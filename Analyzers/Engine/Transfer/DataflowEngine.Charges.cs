using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The charge half (KD302): charges on objects are kept by identity like locks, charges carried by a returned
    /// object are acquisition sites like maps; at an exit that returns an error both are read for what was not undone.
    /// </summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>Whether this exit leaves with an error: a throw, a negative errno, an error VmFault, or false.</summary>
        private bool IsErrorExit(FlowFacts facts, IOperation? valueOperation, AbstractValue returned, bool thrown)
        {
            if (thrown)
            {
                return true;
            }

            var type = function?.ReturnType;
            if (valueOperation is null || type is null)
            {
                return false;
            }

            if (type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
            {
                if (returned.Constant.IsKnown)
                {
                    return returned.Constant.Value < 0;
                }

                return Unwrap(valueOperation) switch
                {
                    ILocalReferenceOperation local => facts.Known.Errors.TryGetValue(local.Local, out var error) && error.Known,
                    IParameterReferenceOperation parameter => facts.Known.Errors.TryGetValue(parameter.Parameter, out var error) && error.Known,
                    _ => false,
                };
            }

            if (SymbolEqualityComparer.Default.Equals(type, known.VmFault))
            {
                return returned.Constant.IsKnown && (returned.Constant.Value & known.VmFaultErrorMask) != 0;
            }

            return type.SpecialType == SpecialType.System_Boolean && valueOperation.ConstantValue is { HasValue: true, Value: false };
        }

        /// <summary>KD302: charges taken in this body and still held where a path leaves it with an error.</summary>
        private void CheckChargesAtExit(FlowFacts facts, IOperation? valueOperation, AbstractValue returned, SyntaxNode? exitSyntax, bool thrown)
        {
            if (depth > 0)
            {
                return;
            }

            if (!IsErrorExit(facts, valueOperation, returned, thrown))
            {
                CheckErrorPathsAtExit(facts, valueOperation, returned, exitSyntax);
                return;
            }

            foreach (var charge in facts.Charges.Held.Values)
            {
                if (!charge.IsLost && !charge.Identity.Equals(returned.Lock) && !(charge.Holder != null && liveness.IsCaptured(charge.Holder)))
                {
                    findings!.ChargeLeaks.Add(new ChargeLeakFinding(charge.Spec.Resource, charge.Site, exitSyntax, !charge.May, UndoOf(charge)));
                }
            }

            for (int index = 0; index < siteList.Count; index++)
            {
                var spec = siteList[index].Annotation.ChargesReturn;
                var fact = facts.Sites.Facts[index];
                if (spec is null || (fact & Fact.Held) == 0 || returned.Resources.Contains(index))
                {
                    continue;
                }

                string? holder = HolderOf(facts, index, out bool handedOn);
                if (!handedOn)
                {
                    string? undo = holder != null && spec.Undo != null && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(holder) ? holder + "." + spec.Undo + "()" : null;
                    findings!.ChargeLeaks.Add(new ChargeLeakFinding(spec.Resource, siteList[index].Invocation.Syntax, exitSyntax, fact == Fact.Held, undo));
                }
            }
        }

        /// <summary>
        /// KD302 where error and success paths join before the exit (<c>out_unlock: pte.Unlock(); return ret;</c>): what the
        /// returned local's error paths held and still hold here. No fix: the undo would run on the success paths too.
        /// </summary>
        private void CheckErrorPathsAtExit(FlowFacts facts, IOperation? valueOperation, AbstractValue returned, SyntaxNode? exitSyntax)
        {
            if (facts.Known.Errors.Count == 0 || valueOperation is null || function?.ReturnType.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return;
            }

            ISymbol? variable = Unwrap(valueOperation) switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (variable is null || !facts.Known.Errors.TryGetValue(variable, out var error))
            {
                return;
            }

            var onError = error.Held;
            if (onError.Charges != null)
            {
                foreach (var key in onError.Charges)
                {
                    if (facts.Charges.Held.TryGetValue(key, out var charge) && !charge.IsLost && !charge.Identity.Equals(returned.Lock) &&
                        !(charge.Holder != null && liveness.IsCaptured(charge.Holder)))
                    {
                        findings!.ChargeLeaks.Add(new ChargeLeakFinding(charge.Spec.Resource, charge.Site, exitSyntax, must: false, undo: null));
                    }
                }
            }

            foreach (int index in onError.Sites)
            {
                var spec = siteList[index].Annotation.ChargesReturn;
                if (spec != null && (facts.Sites.Facts[index] & Fact.Held) != 0 && !returned.Resources.Contains(index))
                {
                    HolderOf(facts, index, out bool handedOn);
                    if (!handedOn)
                    {
                        findings!.ChargeLeaks.Add(new ChargeLeakFinding(spec.Resource, siteList[index].Invocation.Syntax, exitSyntax, must: false, undo: null));
                    }
                }
            }
        }

        /// <summary>
        /// The call that gives a charge back: its [Undo] on the same receiver with the charging call's arguments, through
        /// <c>?.</c> when the charge was taken through it (<c>maybe?.Get()</c> is undone by <c>maybe?.Put()</c>).
        /// </summary>
        private static string? UndoOf(HeldCharge charge)
        {
            if (charge.Spec.Undo is null || charge.IsMany || charge.Site is not InvocationExpressionSyntax call) // one undo does not give back "many"
            {
                return null;
            }

            var receiver = call.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Expression,
                MemberBindingExpressionSyntax when call.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == call => conditional.Expression,
                _ => null,
            };
            if (receiver is null || !IsPlainReceiver(receiver))
            {
                return null;
            }

            foreach (var argument in call.ArgumentList.Arguments)
            {
                if (argument.RefKindKeyword.RawKind != 0 || !IsPlainReceiver(argument.Expression) && argument.Expression is not LiteralExpressionSyntax)
                {
                    return null; // evaluating it again could do something else
                }
            }

            return receiver + (call.Expression is MemberBindingExpressionSyntax ? "?." : ".") + charge.Spec.Undo + call.ArgumentList;
        }

        private static bool IsPlainReceiver(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax or ThisExpressionSyntax => true,
            MemberAccessExpressionSyntax member => IsPlainReceiver(member.Expression),
            _ => false,
        };

        private sealed partial class Transfer
        {
            /// <summary>[Charges]/[Uncharges] on the receiver or an argument of a call.</summary>
            private void ChargeEffects(IInvocationOperation invocation, MethodAnnotation annotation, AbstractValue receiver, AbstractValue[] arguments)
            {
                var receiverIdentity = ChargeIdentity(receiver, invocation.Instance);
                if (annotation.UnchargesReceiver is { } given)
                {
                    Uncharge(given, receiver, receiverIdentity);
                }

                if (annotation.ChargesReceiver is { } spec && receiverIdentity != null)
                {
                    Charge(spec, receiverIdentity, invocation.Syntax, invocation.Instance);
                }

                for (int i = 0; i < arguments.Length; i++)
                {
                    int ordinal = invocation.Arguments[i].Parameter?.Ordinal ?? -1;
                    if (ordinal < 0)
                    {
                        continue;
                    }

                    if (ordinal == annotation.UnchargedOrdinal && annotation.UnchargesArgument is { } argumentGiven)
                    {
                        Uncharge(argumentGiven, arguments[i], ChargeIdentity(arguments[i], invocation.Arguments[i].Value));
                    }

                    if (ordinal == annotation.ChargedOrdinal && annotation.ChargesArgument is { } argumentSpec &&
                        ChargeIdentity(arguments[i], invocation.Arguments[i].Value) is { } argumentIdentity)
                    {
                        Charge(argumentSpec, argumentIdentity, invocation.Syntax, invocation.Arguments[i].Value);
                    }
                }
            }

            private void Charge(ChargeSpec spec, Capability identity, SyntaxNode site, IOperation? through)
            {
                var key = new ChargeKey(spec.Resource, identity);
                var holder = through is null ? null : PathOf(Unwrap(through))?.Root;
                if (!Facts.Charges.Held.TryGetValue(key, out var held))
                {
                    Facts.Charges.Held[key] = new HeldCharge(spec, identity, site, may: false, depth: 1, result: null, holder);
                    HeldOnErrorPaths(Facts, key, -1);
                    return;
                }

                if (held.Depth == HeldCharge.MaxDepth)
                {
                    engine.BoundHit(); // counted exactly no further: "many" from here
                }

                Facts.Charges.Held[key] = new HeldCharge(spec, identity, site, held.May, held.IsMany ? held.Depth : held.Depth + 1, result: null, holder);
            }

            /// <summary>
            /// The object a value names for charges. A local written once, from a member of another local
            /// (<c>var folio = src.Folio;</c> after <c>src?.Folio.Get()</c>), names that member's object when it is charged:
            /// a lock alias does not follow locals (a lock named through another local keeps the local's own identity).
            /// </summary>
            private Capability? ChargeIdentity(AbstractValue value, IOperation? operation)
            {
                if (operation is null || Facts.Charges.Held.Count == 0 || Unwrap(operation) is not ILocalReferenceOperation local ||
                    value.Lock is not { Kind: CapabilityKind.Local } own || !own.IsRoot ||
                    engine.OnlyWrite(local.Local) is not IMemberReferenceOperation { Member.IsStatic: false } member || member is IPropertyReferenceOperation { Arguments.Length: > 0 } ||
                    (member.Instance is null ? null : Unwrap(member.Instance)) is not ILocalReferenceOperation { Local: var owner } ||
                    SymbolEqualityComparer.Default.Equals(owner, local.Local))
                {
                    return value.Lock;
                }

                var named = LockIdentity(new PathKey(owner, member.Member)).Id;
                foreach (var charge in Facts.Charges.Held.Pairs)
                {
                    if (charge.Value.Identity.Equals(named))
                    {
                        return named;
                    }
                }

                return value.Lock;
            }

            /// <summary>Gives back one charge of <paramref name="resource"/> on the value: a charge on it, else the charge it carries.</summary>
            private void Uncharge(string resource, AbstractValue value, Capability? identity)
            {
                if (identity != null && Facts.Charges.Held.TryGetValue(new ChargeKey(resource, identity), out var held))
                {
                    Drop(Facts, held);
                    return;
                }

                foreach (int site in Bits(value.Resources))
                {
                    if (engine.siteList[site].Annotation.ChargesReturn?.Resource == resource)
                    {
                        Facts.Sites.Facts[site] = Fact.Released;
                        NotHeldOnErrorPaths(Facts, default, site);
                    }
                }
            }

            /// <summary>
            /// A charge taken (<paramref name="key"/>) or a charged object acquired (<paramref name="site"/>) after paths that
            /// held an error joined these: it is held on those error paths too.
            /// </summary>
            private static void HeldOnErrorPaths(FlowFacts facts, ChargeKey key, int site)
            {
                if (!AnyErrorPaths(facts))
                {
                    return;
                }

                foreach (var local in facts.Known.Errors.KeyList())
                {
                    facts.Known.Errors.TryGetValue(local, out var error);
                    if (error.Held.IsEmpty)
                    {
                        continue; // known on every path: the exit judges it as an error exit
                    }

                    var with = site >= 0 ? error.Held.With(site) : error.Held.With(key);
                    if (!with.Equals(error.Held))
                    {
                        facts.Known.Errors[local] = error.WithHeld(with);
                    }
                }
            }

            /// <summary>Whether a local's error paths were joined with others here (most errors are known on every path: nothing to keep).</summary>
            private static bool AnyErrorPaths(FlowFacts facts)
            {
                foreach (var error in facts.Known.Errors.Pairs) // Values would allocate its collection once per map
                {
                    if (!error.Value.Held.IsEmpty)
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>Given back or handed on here: no error path holds it any more.</summary>
            private static void NotHeldOnErrorPaths(FlowFacts facts, ChargeKey key, int site)
            {
                if (!AnyErrorPaths(facts))
                {
                    return;
                }

                foreach (var local in facts.Known.Errors.KeyList())
                {
                    facts.Known.Errors.TryGetValue(local, out var error);
                    var without = site >= 0 ? error.Held.Without(site) : error.Held.Without(key);
                    if (without.Equals(error.Held))
                    {
                        continue;
                    }

                    if (!error.Known && without.IsEmpty)
                    {
                        facts.Known.Errors.Remove(local);
                    }
                    else
                    {
                        facts.Known.Errors[local] = error.WithHeld(without);
                    }
                }
            }

            private void Drop(FlowFacts facts, HeldCharge held)
            {
                if (held.IsMany)
                {
                    // Whether this undo gave back the last of "many" is not known: that charge is judged nowhere from here.
                    if (!held.IsLost)
                    {
                        engine.BoundHit();
                    }

                    facts.Charges.Held[held.Key] = held.With(may: true, HeldCharge.Lost, held.Result);
                    NotHeldOnErrorPaths(facts, held.Key, -1);
                }
                else if (held.Depth > 1)
                {
                    facts.Charges.Held[held.Key] = held.With(held.May, held.Depth - 1, held.Result);
                }
                else
                {
                    facts.Charges.Held.Remove(held.Key);
                    NotHeldOnErrorPaths(facts, held.Key, -1);
                }
            }

            /// <summary>Stored where the engine does not follow (a field, an array, a ref parameter): the charges on it go with it.</summary>
            private void EscapeCharges(Capability? identity) => ForgetCharges(Facts, identity, within: false);

            /// <summary>
            /// The charges on <paramref name="identity"/> (and, <paramref name="within"/>, on what is reached through it)
            /// are no longer this path's: handed on, or never taken (a null reference is charged nothing).
            /// </summary>
            private static void ForgetCharges(FlowFacts facts, Capability? identity, bool within)
            {
                if (identity is null || facts.Charges.Held.Count == 0)
                {
                    return;
                }

                foreach (var key in facts.Charges.Held.KeyList())
                {
                    facts.Charges.Held.TryGetValue(key, out var held);
                    if (within ? held.Identity.IsWithin(identity) : held.Identity.Equals(identity))
                    {
                        facts.Charges.Held.Remove(key);
                        NotHeldOnErrorPaths(facts, key, -1);
                    }
                }
            }

            /// <summary>A local or parameter is written: it no longer says whether an earlier charge was taken, nor holds an error.</summary>
            private void NoteAssigned(ISymbol variable, IOperation value)
            {
                Facts.Known.Errors.Remove(variable);
                if (Facts.Charges.Held.Count == 0)
                {
                    return;
                }

                var call = Unwrap(value) as IInvocationOperation;
                foreach (var key in Facts.Charges.Held.KeyList())
                {
                    Facts.Charges.Held.TryGetValue(key, out var held);
                    if (call != null && held.Site == call.Syntax && held.Spec.When != ChargeWhen.Always)
                    {
                        Facts.Charges.Held[key] = held.With(held.May, held.Depth, variable);
                    }
                    else if (SymbolEqualityComparer.Default.Equals(held.Result, variable))
                    {
                        Facts.Charges.Held[key] = held.With(held.May, held.Depth, result: null);
                    }
                }
            }

            /// <summary>
            /// <c>ret &lt; 0</c>, <c>ret != 0</c>, <c>x.AcctBlocks(1) &lt; 0</c> and the like on one edge: a charging call that failed
            /// took nothing; an errno tested negative (or non-zero) is an error on that edge.
            /// </summary>
            private void RefineResult(IOperation condition, bool truth, FlowFacts facts)
            {
                var unwrapped = Unwrap(condition);
                if (unwrapped is IInvocationOperation { TargetMethod.Name: "WarnOnOnce", Arguments.Length: > 0 } warn &&
                    SymbolEqualityComparer.Default.Equals(warn.TargetMethod.ContainingAssembly, engine.known.Fallible.ContainingAssembly))
                {
                    RefineResult(warn.Arguments[0].Value, truth, facts); // WARN_ON_ONCE returns its condition
                    return;
                }

                if (unwrapped is not IBinaryOperation binary)
                {
                    return;
                }

                IOperation operand;
                var relation = binary.OperatorKind;
                if (IsZero(binary.RightOperand))
                {
                    operand = Unwrap(binary.LeftOperand);
                }
                else if (IsZero(binary.LeftOperand))
                {
                    operand = Unwrap(binary.RightOperand);
                    relation = Mirror(relation);
                }
                else
                {
                    return;
                }

                if (!truth)
                {
                    relation = Negate(relation);
                }

                ISymbol? variable = operand switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                var call = operand as IInvocationOperation;
                foreach (var key in facts.Charges.Held.KeyList())
                {
                    facts.Charges.Held.TryGetValue(key, out var held);
                    bool decided = (variable != null && SymbolEqualityComparer.Default.Equals(held.Result, variable)) ||
                        (call != null && held.Site == call.Syntax);
                    if (decided && Failed(held.Spec.When, relation))
                    {
                        if (held.IsMany)
                        {
                            facts.Charges.Held[key] = held.With(may: true, held.Depth, held.Result); // "many" less the one that failed: some may be left
                        }
                        else
                        {
                            Drop(facts, held);
                        }
                    }
                }

                if (variable != null && operand.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
                {
                    // An int result is an errno by convention here: 0 or negative, so non-zero is an error.
                    bool error = relation == BinaryOperatorKind.LessThan ||
                        (relation == BinaryOperatorKind.NotEquals && operand.Type.SpecialType == SpecialType.System_Int32);
                    if (error)
                    {
                        facts.Known.Errors.TryGetValue(variable, out var known);
                        facts.Known.Errors[variable] = ErrorFact.Of(true, known.Held);
                    }
                    else if (relation is BinaryOperatorKind.Equals or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual)
                    {
                        facts.Known.Errors.Remove(variable);
                    }
                }
            }

            private static bool Failed(ChargeWhen when, BinaryOperatorKind relation) => when switch
            {
                ChargeWhen.ZeroResult => relation is BinaryOperatorKind.LessThan or BinaryOperatorKind.NotEquals,
                ChargeWhen.PositiveResult => relation is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.Equals,
                _ => false,
            };

            private static bool IsZero(IOperation operand) =>
                operand.ConstantValue.HasValue && TryLong(operand.ConstantValue.Value, out long value) && value == 0;

            /// <summary><c>0 op x</c> as <c>x op' 0</c>.</summary>
            private static BinaryOperatorKind Mirror(BinaryOperatorKind relation) => relation switch
            {
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                _ => relation,
            };

            private static BinaryOperatorKind Negate(BinaryOperatorKind relation) => relation switch
            {
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThanOrEqual,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThanOrEqual,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.Equals => BinaryOperatorKind.NotEquals,
                BinaryOperatorKind.NotEquals => BinaryOperatorKind.Equals,
                _ => BinaryOperatorKind.None,
            };
        }
    }
}
