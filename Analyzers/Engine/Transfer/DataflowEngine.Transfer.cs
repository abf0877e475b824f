using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    internal sealed partial class DataflowEngine
    {
        private static bool TryLong(object? value, out long result)
        {
            switch (value)
            {
                case int i: result = i; return true;
                case long l: result = l; return true;
                case short s: result = s; return true;
                case sbyte sb: result = sb; return true;
                case byte b: result = b; return true;
                case ushort us: result = us; return true;
                case uint ui: result = ui; return true;
                default: result = 0; return false;
            }
        }

        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        private static bool IsIntegral(ITypeSymbol? type) =>
            type != null && (type.TypeKind == TypeKind.Enum || type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64);

        /// <summary>The transfer function for one partition of one block.</summary>
        private sealed partial class Transfer
        {
            private DataflowEngine engine = null!;


            /// <summary>Starts on one partition of one block.</summary>
            public void Begin(DataflowEngine engine, FlowFacts facts, int key)
            {
                this.engine = engine;
                Facts = facts;
                Key = key;
                Dead = false;
            }

            /// <summary>Done with the block: the transfer goes back to the pool, its value cache emptied.</summary>
            public void End()
            {
                if (Values.Count > MaxPooledValues)
                {
                    // A huge block grew the cache: a pooled transfer lives as long as its thread (a compiler server's,
                    // an IDE's), so it keeps a cache of ordinary size rather than the largest it ever saw.
                    Values = new Dictionary<IOperation, AbstractValue>(OperationComparer.Instance);
                }
                else
                {
                    Values.Clear();
                }
                Facts = null!;
                engine = null!;
            }

            public FlowFacts Facts { get; private set; } = null!;

            /// <summary>The partition: <see cref="FlowState.Normal"/>, or the site whose failed acquisition this path follows.</summary>
            public int Key { get; private set; }

            /// <summary>The path cannot continue (a call that does not return, or an impossible branch).</summary>
            public bool Dead { get; private set; }

            /// <summary>Entries past which <see cref="End"/> lets the value cache go instead of keeping it for the next block.</summary>
            private const int MaxPooledValues = 256;

            public Dictionary<IOperation, AbstractValue> Values { get; private set; } = new Dictionary<IOperation, AbstractValue>(OperationComparer.Instance);

            public AbstractValue Visit(IOperation operation)
            {
                var value = VisitCore(operation);
                var known = operation.ConstantValue;
                if (known.HasValue && TryLong(known.Value, out long constant))
                {
                    value = value.WithConstant(new ConstValue(constant, operation.Syntax));
                }
                else if (known.HasValue && known.Value is null && value.IsEmpty)
                {
                    value = AbstractValue.Null; // `null`, or `default` of a reference: what `x?.M()` is when x is null
                }

                if (!value.IsEmpty)
                {
                    Values[operation] = value; // absent reads as empty: most operations carry nothing, and every store hashes one
                }

                return value;
            }

            private AbstractValue VisitCore(IOperation operation)
            {
                // A switch on the kind (a jump table) instead of two dozen interface type tests: most operations
                // (literals, arithmetic, ...) need no case; each kind names exactly one operation interface to cast to.
                switch (operation.Kind)
                {
                    case OperationKind.Invocation:
                        return VisitInvocation((IInvocationOperation)operation);
                    case OperationKind.SimpleAssignment:
                        return VisitAssignment((ISimpleAssignmentOperation)operation);
                    case OperationKind.LocalReference:
                        return ReadPath(new PathKey(((ILocalReferenceOperation)operation).Local, null), operation);
                    case OperationKind.ParameterReference:
                        return ReadPath(new PathKey(((IParameterReferenceOperation)operation).Parameter, null), operation);
                    case OperationKind.FieldReference:
                    case OperationKind.PropertyReference:
                    case OperationKind.EventReference:
                    case OperationKind.MethodReference:
                        return VisitMemberReference((IMemberReferenceOperation)operation);
                    case OperationKind.FlowCapture:
                        var capture = (IFlowCaptureOperation)operation;
                        var captured = Visit(capture.Value);
                        Facts.Known.Captures[capture.Id] = captured;
                        NoteErrnoCapture(capture);
                        return captured;
                    case OperationKind.FlowCaptureReference:
                        return Facts.Known.Captures.TryGetValue(((IFlowCaptureReferenceOperation)operation).Id, out var value) ? value : AbstractValue.Empty;
                    case OperationKind.Conversion:
                        return Visit(((IConversionOperation)operation).Operand);
                    case OperationKind.ExpressionStatement:
                        var statement = (IExpressionStatementOperation)operation;
                        Visit(statement.Operation);
                        if (statement.Syntax is LockStatementSyntax lockStatement)
                        {
                            EnterLockStatement(lockStatement, statement.Operation);
                        }
                        else if (Unwrap(statement.Operation) is IInvocationOperation discarded)
                        {
                            Discard(discarded);
                        }

                        return AbstractValue.Empty;
                    case OperationKind.Binary:
                        VisitChildren(operation);
                        if (engine.Reporting && operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison)
                        {
                            NoteErrnoComparison(comparison, comparison.RightOperand, comparison.LeftOperand);
                            NoteErrnoComparison(comparison, comparison.LeftOperand, comparison.RightOperand);
                        }

                        return AbstractValue.Empty;
                    case OperationKind.IsPattern:
                        return VisitIsPattern((IIsPatternOperation)operation);
                    case OperationKind.CompoundAssignment:
                    case OperationKind.Increment:
                    case OperationKind.Decrement:
                        VisitChildren(operation);
                        ForgetTargets(operation);
                        return AbstractValue.Empty;
                    case OperationKind.DeconstructionAssignment:
                        var deconstruction = (IDeconstructionAssignmentOperation)operation;
                        Visit(deconstruction.Target); // its members are written (KD205), evaluated before the value
                        Deconstruct(deconstruction.Target, deconstruction.Value);
                        return AbstractValue.Empty;
                    case OperationKind.InstanceReference:
                        // An object initializer's receiver is the new object, not this: nothing names it (nor locks it) yet.
                        return ((IInstanceReferenceOperation)operation).ReferenceKind == InstanceReferenceKind.ImplicitReceiver
                            ? AbstractValue.Empty
                            : new AbstractValue(SiteSet.Empty, ConstValue.Unknown, Capability.This, engine.known.LockClassOf(operation.Type));
                    case OperationKind.FlowAnonymousFunction:
                        return AbstractValue.Empty; // analysed as its own body
                    case OperationKind.Tuple:
                        // A tuple carries what its elements hold (`return (pte, 0);` hands the map on), and each element's
                        // value for the patterns that test it (`(pte, x) switch { (null, _) => … }`).
                        var tuple = ((ITupleOperation)operation).Elements;
                        var elements = new AbstractValue[tuple.Length];
                        for (int i = 0; i < elements.Length; i++)
                        {
                            elements[i] = Visit(tuple[i]);
                        }

                        return AbstractValue.Tuple(elements);
                    case OperationKind.ObjectCreation:
                        var creation = (IObjectCreationOperation)operation;
                        var annotation = creation.Constructor is null ? MethodAnnotation.None : engine.known.Annotation(creation.Constructor);
                        return annotation.AcquiresScope ? ConstructGuard(creation, annotation) : VisitNewCollection(operation);
                    case OperationKind.AnonymousObjectCreation:
                    case OperationKind.ArrayCreation:
                    case OperationKind.ArrayInitializer:
                        return VisitNewCollection(operation);
                    case OperationKind.ArrayElementReference:
                        var element = (IArrayElementReferenceOperation)operation;
                        var array = Visit(element.ArrayReference);
                        var indices = new List<IOperation>(element.Indices);
                        foreach (var index in indices)
                        {
                            Visit(index);
                        }

                        CheckPointee(element.ArrayReference, element, AccessOf(element));

                        return new AbstractValue(SiteSet.Empty, ConstValue.Unknown, ElementIdentity(array.Lock, indices), engine.known.LockClassOf(element.Type));
                    case OperationKind.Await:
                        VisitChildren(operation);
                        // The continuation may run on another thread: a spinning lock held across it cannot be released there.
                        engine.CheckSleep(Facts, null, operation.Syntax, atAwait: true);
                        var awaited = Value(((IAwaitOperation)operation).Operation);
                        return awaited.TryLock != null ? awaited : AbstractValue.Empty; // `await sem.WaitAsync(t)` is a try-lock's result
                    default:
                        if (operation.Syntax.IsKind(SyntaxKind.CollectionExpression))
                        {
                            return VisitNewCollection(operation); // no operation kind of its own in the oldest Roslyn we support
                        }

                        VisitChildren(operation);
                        return AbstractValue.Empty;
                }
            }

            private AbstractValue VisitIsPattern(IIsPatternOperation pattern)
            {
                var tested = Visit(pattern.Value);
                VisitChildren(pattern.Pattern);
                if (engine.Reporting)
                {
                    NoteErrnoPatterns(pattern, pattern.Pattern);
                }

                // The declared variable holds the value wherever it is assigned; Refine narrows the facts.
                var declared = DeclaredSymbol(pattern.Pattern);
                if (declared != null && tested.Resources.IsEmpty is false)
                {
                    Facts.Sites.Vars[new PathKey(declared, null)] = tested.Resources;
                }

                return AbstractValue.Empty;
            }

            /// <summary>Built into a new object or collection: ownership goes with it, as with a call's argument.</summary>
            private AbstractValue VisitNewCollection(IOperation operation)
            {
                foreach (var child in operation.ChildOperations)
                {
                    Escape(child is IArgumentOperation argument ? Visit(argument.Value) : Visit(child));
                }

                return AbstractValue.Empty;
            }

            /// <summary>KD304: <paramref name="constant"/> is a positive Errno constant as written (<c>Errno.EAGAIN</c>, not negated).</summary>
            private void NoteErrnoComparison(IOperation comparison, IOperation constant, IOperation compared)
            {
                if (Unwrap(constant) is IFieldReferenceOperation { Field: { HasConstantValue: true, ConstantValue: int errno } field } && errno > 0 &&
                    SymbolEqualityComparer.Default.Equals(field.ContainingType, engine.known.Errno))
                {
                    engine.findings!.ErrnoComparisons.Add((comparison, Unwrap(constant), engine.CapturedValue(Unwrap(compared))));
                }
            }

            private void VisitChildren(IOperation operation)
            {
                foreach (var child in operation.ChildOperations)
                {
                    Visit(child);
                    if (Dead)
                    {
                        return;
                    }
                }
            }

            private AbstractValue VisitInvocation(IInvocationOperation invocation)
            {
                var arguments = engine.RentArguments(invocation.Arguments.Length);
                try
                {
                    return VisitInvocation(invocation, arguments);
                }
                finally
                {
                    engine.ReturnArguments(arguments);
                }
            }

            private AbstractValue VisitInvocation(IInvocationOperation invocation, AbstractValue[] arguments)
            {
                var method = invocation.TargetMethod;
                var annotation = engine.known.Annotation(method);
                var receiver = invocation.Instance is null ? AbstractValue.Empty : Visit(invocation.Instance);
                for (int i = 0; i < arguments.Length; i++)
                {
                    arguments[i] = Visit(invocation.Arguments[i].Value);
                }

                // `pmd.LockPointer.Unlock()` (or `Put(pmd.LockPointer)`) after `pmd.Lock()`: it releases what that call returned.
                if (annotation.ReleasesReceiver && receiver.Resources.IsEmpty && engine.SiteNamedBy(Facts, receiver.Lock) is int named)
                {
                    receiver = SiteResult(named);
                }

                for (int i = 0; i < arguments.Length && annotation.ReleasesArguments; i++)
                {
                    if (arguments[i].Resources.IsEmpty && engine.SiteNamedBy(Facts, arguments[i].Lock) is int passed)
                    {
                        arguments[i] = SiteResult(passed);
                    }
                }

                if (engine.ChecksGuards)
                {
                    CheckPointee(invocation.Instance, invocation, Access.Read); // a call through a [PtGuardedBy] reference
                    CheckContract(method, invocation, invocation, invocation.Instance is null && !method.IsStatic
                        ? new AbstractValue(SiteSet.Empty, ConstValue.Unknown, Capability.This) : receiver);
                }

                if (engine.known.HasContracts)
                {
                    NoteLocalFunctionCall(invocation);
                    if (Assert(invocation, arguments))
                    {
                        return AbstractValue.Empty;
                    }
                }

                if (!annotation.ReleasesReceiver && invocation.Instance != null &&
                    SymbolEqualityComparer.Default.Equals(method.ContainingType, engine.known.Disposable))
                {
                    // IDisposable.Dispose (as `using` calls it): the implementation's annotation decides.
                    var implementation = Unwrap(invocation.Instance).Type?.FindImplementationForInterfaceMember(method) as IMethodSymbol;
                    if (implementation != null)
                    {
                        annotation = engine.known.Annotation(implementation);
                    }
                }

                if (receiver.Resources.IsEmpty is false)
                {
                    if (annotation.ReleasesReceiver && engine.ReleasedByUnlock(receiver.Resources))
                    {
                        Release(receiver, invocation, UseKind.Dereferenced);
                    }
                    else
                    {
                        Deref(receiver, invocation);
                    }
                }

                for (int i = 0; i < arguments.Length; i++)
                {
                    if (arguments[i].Resources.IsEmpty)
                    {
                        continue;
                    }

                    if (annotation.ReleasesArguments && engine.ReleasedByUnlock(arguments[i].Resources))
                    {
                        Release(arguments[i], invocation.Arguments[i], UseKind.PassedOn);
                    }
                    else if (IsHelperReceiver(invocation, annotation, i))
                    {
                        Deref(arguments[i], invocation.Arguments[i]);
                    }
                    else
                    {
                        PassOn(arguments[i], invocation.Arguments[i]);
                    }
                }

                ForgetErrnoArguments(invocation);
                LockEffects(invocation, annotation, receiver, arguments);
                ChargeEffects(invocation, annotation, receiver, arguments);
                Snapshots(invocation, annotation, receiver, arguments);
                if (annotation.FollFlagsOrdinal >= 0 && engine.Reporting)
                {
                    // The flags as the engine knows them: a constant expression, or an enum local with a known value.
                    long? flags = null;
                    for (int i = 0; i < arguments.Length; i++)
                    {
                        if (invocation.Arguments[i].Parameter?.Ordinal == annotation.FollFlagsOrdinal && arguments[i].Constant.IsKnown)
                        {
                            flags = arguments[i].Constant.Value | (long)(uint)annotation.ImpliedFollFlags;
                        }
                    }

                    engine.findings!.GupCalls.Add((invocation, flags));
                }

                if (engine.known.NeverReturns(method))
                {
                    foreach (int failed in Failures(Key, Facts))
                    {
                        Crash(invocation, failed);
                    }

                    Dead = true;
                    return AbstractValue.Empty;
                }

                CheckDoesNotReturnIf(invocation);
                if (Dead)
                {
                    return AbstractValue.Empty;
                }

                if (!engine.sites.TryGetValue(invocation, out var site))
                {
                    return ResultOf(invocation, annotation, receiver);
                }

                // What the site returned last time is another object now: the locks its identity named are no longer it.
                ForgetLocksWithin(Facts, site.Capability, keepMap: true);
                if (site.Annotation.ReturnedLock != null)
                {
                    NoteReturnedName(invocation, site, receiver);
                }

                if (site.Annotation.AcquiresReturn && (site.Annotation.AcquiredClass != null || site.Annotation.ReturnedLock != null))
                {
                    var taken = new LockFact(site.Capability, site.Annotation.AcquiredClass, ModeOf(site.Annotation), LockSource.Map, invocation.Syntax);
                    if (HeldUnderReturnedName(site.Index) is { } first)
                    {
                        engine.TakenAgainByName(Facts, taken, first); // `pmd.Lock()` while `pmd.LockPointer` (or another `pmd.Lock()`) is held
                    }
                    else
                    {
                        engine.AddLock(Facts, taken);
                    }
                }
                else if (site.Annotation.AcquiresReturn)
                {
                    SnapshotsNeedRevalidation(Facts);
                }

                if (receiver.Lock != null)
                {
                    (engine.siteReceivers ??= new Capability?[engine.siteList.Count])[site.Index] = receiver.Lock; // the PMD a map came from (KD305)
                }

                if (site.Annotation.Revalidates && receiver.Lock != null)
                {
                    Revalidated(receiver.Lock); // MapLock re-checks the PMD under the PTL it takes
                }

                if (Key == site.Index)
                {
                    Key = FlowState.Normal; // the failed acquisition is tried again: a retry
                }

                Facts.Sites.Failed = Facts.Sites.Failed.Without(site.Index);

                Facts.Sites.Facts[site.Index] = site.Annotation.Fallible
                    ? Fact.Null | (site.Annotation.AcquiresReturn ? Fact.Held : Fact.Live)
                    : Fact.Held;
                if (site.Annotation.ChargesReturn != null)
                {
                    HeldOnErrorPaths(Facts, default, site.Index);
                }

                return SiteResult(site.Index);
            }

            /// <summary>The value an acquisition site returned, as the call gave it.</summary>
            private AbstractValue SiteResult(int site) =>
                new AbstractValue(SiteSet.Of(site), ConstValue.Unknown, engine.siteList[site].Capability, engine.siteList[site].Annotation.AcquiredClass);

            /// <summary>BugOn(pte == null) / Debug.Assert(pte != null): a crash exactly when the map failed.</summary>
            private void CheckDoesNotReturnIf(IInvocationOperation invocation)
            {
                if (engine.Reporting && engine.known.IsCrashingAssertion(invocation.TargetMethod))
                {
                    engine.findings!.Assertions.Add(invocation);
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter is null || engine.known.DoesNotReturnIfValue(argument.Parameter) is not bool crashWhen)
                    {
                        continue;
                    }

                    if (TryNullTest(argument.Value, out SiteSet resources, out var whenTrue, out var whenFalse, out _) &&
                        (crashWhen ? whenTrue : whenFalse) == Implies.Null)
                    {
                        foreach (int site in Bits(resources))
                        {
                            var fact = Facts.Sites.Facts[site];
                            if ((fact & Fact.Null) != 0 && (fact & (Fact.Held | Fact.Live)) != 0 && engine.siteList[site].Annotation.Fallible)
                            {
                                Crash(invocation, site);
                            }
                        }
                    }

                    int key = Key;
                    if (!Refine(argument.Value, !crashWhen, Facts, ref key))
                    {
                        Dead = true;
                        return;
                    }
                }
            }

            private void Crash(IInvocationOperation invocation, int site)
            {
                if (engine.Reporting && site != FlowState.Normal)
                {
                    engine.findings!.FailedExits.Add(new FailedExitFinding(engine.siteList[site], FailedExitKind.Crash, invocation.Syntax, ConstValue.Unknown, invocation));
                }
            }

            private AbstractValue VisitAssignment(ISimpleAssignmentOperation assignment)
            {
                var target = assignment.Target;
                if (target is IMemberReferenceOperation { Instance: { } instance } member)
                {
                    var owner = Visit(instance);
                    if (owner.Resources.IsEmpty is false)
                    {
                        Deref(owner, member);
                    }

                    CheckWrite(member, owner);
                }
                else if (target is IMemberReferenceOperation { Instance: null } unowned)
                {
                    CheckWrite(unowned, unowned.Member.IsStatic ? AbstractValue.Empty : new AbstractValue(SiteSet.Empty, ConstValue.Unknown, Capability.This));
                }
                else if (target is IArrayElementReferenceOperation element && engine.ChecksGuards)
                {
                    Visit(element.ArrayReference);
                    foreach (var index in element.Indices)
                    {
                        Visit(index);
                    }

                    CheckPointee(element.ArrayReference, element, Access.Write);
                }

                return AssignTo(target, assignment.Value, Visit(assignment.Value));
            }

            /// <summary>
            /// <paramref name="target"/> takes <paramref name="value"/> (of <paramref name="valueOperation"/>): ownership moves
            /// into a followed variable, escapes into anything else; what the variable said before is forgotten.
            /// </summary>
            private AbstractValue AssignTo(IOperation target, IOperation valueOperation, AbstractValue value)
            {
                if (target is IDiscardOperation)
                {
                    if (Unwrap(valueOperation) is IInvocationOperation discarded)
                    {
                        Discard(discarded);
                    }

                    return value;
                }

                var path = PathOf(target);
                if (path is null)
                {
                    Escape(value, operation: valueOperation); // stored where the engine does not follow: a static, an array, a deeper member
                    return value;
                }

                var key = path.Value;
                if (key.Member is null)
                {
                    Facts.Sites.ForgetNamesThrough(key.Root); // `pmd = next`: `pmd.LockPointer` is no longer what `pmd.Lock()` returned
                }

                if (key.OutlivesMethod || key.Member != null)
                {
                    EscapeCharges(ChargeIdentity(value, valueOperation)); // the caller's or an object's now: its charges go with it
                }
                else
                {
                    NoteAssigned(key.Root, valueOperation);
                }

                Facts.Sites.Partial.Remove(key);
                if (value.Resources.IsEmpty is false)
                {
                    Facts.Sites.Vars[key] = value.Resources;
                }
                else
                {
                    Facts.Sites.Vars.Remove(key);
                }

                if (key.Member is null)
                {
                    if (value.Guard && value.Lock != null)
                    {
                        Facts.LockLocals.Guards[key.Root] = new ScopeGuard(value.Lock, value.LockClass, value.GuardMode);
                    }
                    else
                    {
                        Facts.LockLocals.Guards.Remove(key.Root);
                    }

                    Alias(key.Root, value);
                    NoteFlagWrite(key.Root, value);
                    NoteErrnoWrite(key.Root, valueOperation);
                    ForgetMembersOf(key.Root);
                    ForgetLocksIndexedBy(key.Root);
                    if (IsIntegral(target.Type))
                    {
                        if (value.Constant.IsKnown)
                        {
                            Facts.Known.Constants[key.Root] = value.Constant;
                        }
                        else
                        {
                            Facts.Known.Constants.Remove(key.Root);
                        }
                    }
                }

                return value;
            }

            /// <summary>
            /// <c>var (p, q) = (x.MapLock(a), y.MapLock(a));</c>: each element goes to its own target, as if assigned one by
            /// one (nested tuples pair up too), after every element was evaluated. A value that is not written out as a tuple
            /// leaves its targets unknown.
            /// </summary>
            private void Deconstruct(IOperation target, IOperation value)
            {
                var pairs = new List<(IOperation Target, IOperation Value, AbstractValue Abstract)>();
                Pair(target, value, pairs);
                foreach (var (to, from, abstractValue) in pairs)
                {
                    AssignTo(to, from, abstractValue);
                }
            }

            /// <summary>Evaluates <paramref name="value"/> left to right, pairing each element with its target.</summary>
            private void Pair(IOperation target, IOperation value, List<(IOperation, IOperation, AbstractValue)> pairs)
            {
                var targets = target is IDeclarationExpressionOperation declaration ? declaration.Expression : target;
                if (targets is not ITupleOperation targetTuple)
                {
                    pairs.Add((target, value, Visit(value)));
                    return;
                }

                if (Unwrap(value) is ITupleOperation valueTuple && valueTuple.Elements.Length == targetTuple.Elements.Length)
                {
                    for (int i = 0; i < valueTuple.Elements.Length; i++)
                    {
                        Pair(targetTuple.Elements[i], valueTuple.Elements[i], pairs);
                    }

                    return;
                }

                Escape(Visit(value)); // `var (p, q) = Helper();`: what it returns is not followed into its parts
                Unknown(targetTuple, value, pairs);
            }

            /// <summary>Each target of a tuple whose parts are not known: it holds something unknown now.</summary>
            private static void Unknown(ITupleOperation targets, IOperation value, List<(IOperation, IOperation, AbstractValue)> pairs)
            {
                foreach (var element in targets.Elements)
                {
                    var nested = element is IDeclarationExpressionOperation declaration ? declaration.Expression : element;
                    if (nested is ITupleOperation tuple)
                    {
                        Unknown(tuple, value, pairs);
                    }
                    else if (element is not IDiscardOperation)
                    {
                        pairs.Add((element, value, AbstractValue.Empty));
                    }
                }
            }

            /// <summary>An assignment's target member: the member is written, what its owner refers to is written through.</summary>
            private void CheckWrite(IMemberReferenceOperation member, AbstractValue owner)
            {
                if (!engine.ChecksGuards)
                {
                    return;
                }

                CheckGuarded(member, owner, Access.Write);
                CheckPointee(member.Instance, member, Access.Write);
                if (member is IPropertyReferenceOperation property)
                {
                    CheckAccessorContracts(property, owner, Access.Write);
                }
            }

            /// <summary>What an array's reference says of its shape, not of its elements: free under [PtGuardedBy].</summary>
            private static bool IsArrayShape(ISymbol member) =>
                member.ContainingType?.SpecialType == SpecialType.System_Array && member.Name is "Length" or "LongLength" or "Rank";

            private AbstractValue VisitMemberReference(IMemberReferenceOperation member)
            {
                var owner = AbstractValue.Empty;
                if (member.Instance != null)
                {
                    owner = Visit(member.Instance);
                    if (owner.Resources.IsEmpty is false)
                    {
                        Deref(owner, member);
                    }
                }
                else if (!member.Member.IsStatic)
                {
                    owner = new AbstractValue(SiteSet.Empty, ConstValue.Unknown, Capability.This);
                }

                if (engine.ChecksGuards)
                {
                    var access = AccessOf(member);
                    CheckGuarded(member, owner, access);
                    if (!IsArrayShape(member.Member))
                    {
                        CheckPointee(member.Instance, member, access);
                    }

                    if (member is IPropertyReferenceOperation accessed)
                    {
                        CheckAccessorContracts(accessed, owner, access);
                    }
                }

                if (member is IPropertyReferenceOperation { Property.Name: "Result" } result && engine.known.DotNet.Waits(result.Property))
                {
                    engine.CheckSleep(Facts, null, member.Syntax);
                    NoteSleep();
                }

                if (member is IPropertyReferenceOperation property)
                {
                    foreach (var argument in property.Arguments)
                    {
                        Visit(argument.Value);
                    }
                }

                var path = PathOf(member);
                if (path != null)
                {
                    return ReadPath(path.Value, member);
                }

                return new AbstractValue(SiteSet.Empty, ConstValue.Unknown, MemberIdentity(member), engine.known.LockClassOf(member.Member) ?? engine.known.LockClassOf(member.Type));
            }

            private AbstractValue ReadPath(PathKey path, IOperation operation)
            {
                Facts.Sites.Vars.TryGetValue(path, out SiteSet resources);
                var constant = path.Member is null && Facts.Known.Constants.TryGetValue(path.Root, out var known) ? known : ConstValue.Unknown;
                if (!resources.IsEmpty && operation.Syntax.Parent is { } parent && parent.IsKind(SyntaxKind.SuppressNullableWarningExpression))
                {
                    foreach (int site in Bits(resources))
                    {
                        if ((Facts.Sites.Facts[site] & Fact.Null) != 0)
                        {
                            Use(UseKind.Suppressed, operation, site);
                            Facts.Sites.Facts[site] &= ~Fact.Null;
                        }
                    }
                }

                if (path.Member is null && Facts.LockLocals.Guards.TryGetValue(path.Root, out var guard))
                {
                    return new AbstractValue(resources, constant, guard.Lock, guard.Class, guard: true, guardMode: guard.Mode);
                }

                var (id, lockClass) = LockIdentity(path);
                return new AbstractValue(resources, constant, id, lockClass, via: path.Member is null ? path.Root : null);
            }

            private PathKey? PathOf(IOperation target)
            {
                switch (target)
                {
                    case ILocalReferenceOperation local:
                        return new PathKey(local.Local, null);
                    case IParameterReferenceOperation parameter:
                        return new PathKey(parameter.Parameter, null);
                    case IFieldReferenceOperation or IPropertyReferenceOperation when target is IMemberReferenceOperation member &&
                        !member.Member.IsStatic && (member is not IPropertyReferenceOperation property || property.Arguments.Length == 0):
                        var instance = member.Instance is null ? null : Unwrap(member.Instance);
                        return instance switch
                        {
                            ILocalReferenceOperation local => new PathKey(local.Local, member.Member),
                            IParameterReferenceOperation parameter => new PathKey(parameter.Parameter, member.Member),
                            IInstanceReferenceOperation when engine.function != null => new PathKey(engine.function, member.Member),
                            _ => null,
                        };
                    default:
                        return null;
                }
            }

            private void ForgetMembersOf(ISymbol root)
            {
                List<PathKey>? stale = null;
                foreach (var key in Facts.Sites.Vars.Keys)
                {
                    if (key.Member != null && SymbolEqualityComparer.Default.Equals(key.Root, root))
                    {
                        (stale ??= new List<PathKey>()).Add(key);
                    }
                }

                stale?.ForEach(key => Facts.Sites.Vars.Remove(key));
            }

            private void ForgetTargets(IOperation operation)
            {
                var target = operation switch
                {
                    ICompoundAssignmentOperation compound => compound.Target,
                    IIncrementOrDecrementOperation step => step.Target,
                    _ => null,
                };
                ForgetErrnos(target ?? (operation as IDeconstructionAssignmentOperation)?.Target ?? operation);
                if (target != null && PathOf(target) is { Member: null } path)
                {
                    Facts.Known.Constants.Remove(path.Root);
                    ForgetLocksIndexedBy(path.Root);
                    Facts.Sites.ForgetNamesThrough(path.Root); // `i++`: `pmds[i].LockPointer` names another lock now
                }
            }

            private void Discard(IInvocationOperation invocation)
            {
                if (engine.sites.TryGetValue(invocation, out var site) && site.Annotation.Fallible)
                {
                    Use(UseKind.Discarded, invocation, site.Index);
                    // Already reported as discarded: do not report the same lock again as leaked.
                    Facts.Sites.Facts[site.Index] = (Facts.Sites.Facts[site.Index] & ~Fact.Held) | Fact.Escaped;
                    DropSiteLock(Facts, site.Index);
                }
            }

            private void Deref(AbstractValue value, IOperation at)
            {
                foreach (int site in Bits(value.Resources))
                {
                    var fact = Facts.Sites.Facts[site];
                    if ((fact & Fact.Null) != 0)
                    {
                        Use(UseKind.Dereferenced, at, site);
                    }
                    else if ((fact & Fact.Released) != 0 && (fact & (Fact.Held | Fact.Escaped)) == 0 && UsableOnlyWhileHeld(site))
                    {
                        // Released on every path that reaches here. Where another path still holds a map from the same
                        // call (a map kept from one loop iteration, released maps of the others), facts per call site
                        // cannot tell which map the variable holds: stay silent rather than guess.
                        Use(UseKind.AfterRelease, at, site);
                    }

                    Facts.Sites.Facts[site] = fact & ~Fact.Null;
                }
            }

            /// <summary>
            /// An Unlock or Dispose of what acquisition sites returned: the map (and the lock it holds) is released.
            /// What a site returned that an unlock does not end (a charged folio: its [Uncharges] gives it back) is left
            /// to the lock effects of the call.
            /// </summary>
            private void Release(AbstractValue value, IOperation at, UseKind ifMaybeNull)
            {
                // Dispose is idempotent by contract (`using` after an early Unlock); a second Unlock is not.
                bool idempotent = at is IInvocationOperation { TargetMethod.Name: nameof(System.IDisposable.Dispose) };
                foreach (int site in Bits(value.Resources))
                {
                    if (!engine.ReleasedByUnlock(site))
                    {
                        continue;
                    }

                    if ((Facts.Sites.Facts[site] & Fact.Null) != 0)
                    {
                        Use(ifMaybeNull, at, site);
                    }

                    var id = engine.siteList[site].Capability;
                    if (Facts.Locks.TryGet(id, out var held))
                    {
                        // Its lock was taken again through another name: this release gives one entry back. If that second
                        // acquisition was reported, the thread never got here: the map counts as released, not leaked.
                        if (!engine.RemoveLock(Facts, id, held.Mode, at.Syntax, idempotent ? Removal.Dispose : Removal.Release) && !held.Reported)
                        {
                            continue;
                        }
                    }
                    else if (Facts.Sites.Facts[site] == Fact.Released && !idempotent && Facts.Locks.Released.TryGetValue(id, out var earlier))
                    {
                        engine.LockFinding(new LockFinding(LockProblem.DoubleRelease, at.Syntax, null, null, earlier)); // released on every path already
                    }

                    Facts.Sites.Facts[site] = Fact.Released;
                    if (!idempotent)
                    {
                        Facts.Locks.Released[id] = at.Syntax;
                    }
                }
            }

            private void PassOn(AbstractValue value, IArgumentOperation argument)
            {
                bool acceptsNull = argument.Parameter?.NullableAnnotation == NullableAnnotation.Annotated;
                foreach (int site in Bits(value.Resources))
                {
                    var fact = Facts.Sites.Facts[site];
                    if ((fact & Fact.Null) != 0 && !acceptsNull)
                    {
                        Use(UseKind.PassedOn, argument, site);
                    }
                    else if ((fact & Fact.Released) != 0 && (fact & (Fact.Held | Fact.Escaped)) == 0 && UsableOnlyWhileHeld(site))
                    {
                        Use(UseKind.AfterRelease, argument, site);
                    }
                }

                // A map passed on is the callee's to release; a charged object is only lent (a callee that keeps a
                // reference takes its own), unless it goes by ref or out.
                Escape(value, lent: argument.Parameter?.RefKind is null or RefKind.None, argument.Value);
            }

            private void Escape(AbstractValue value, bool lent = false, IOperation? operation = null)
            {
                if (!lent)
                {
                    EscapeCharges(ChargeIdentity(value, operation));
                }

                foreach (int site in Bits(value.Resources))
                {
                    if (lent && engine.siteList[site].Annotation.ChargesReturn != null)
                    {
                        continue;
                    }

                    var fact = Facts.Sites.Facts[site];
                    if ((fact & Fact.Held) != 0)
                    {
                        Facts.Sites.Facts[site] = (fact & ~Fact.Held) | Fact.Escaped;
                        DropSiteLock(Facts, site); // the lock goes with the map
                        NotHeldOnErrorPaths(Facts, default, site);
                    }
                }
            }

            /// <summary>A map or a charged object ends with its release; a lock returned by its acquisition is only unlocked, and may be taken again.</summary>
            private bool UsableOnlyWhileHeld(int site) => engine.siteList[site].Kind != ResourceKind.Lock;

            private void Use(UseKind kind, IOperation at, int site)
            {
                if (engine.Reporting)
                {
                    engine.findings!.Uses.Add(new UseFinding(kind, at, engine.siteList[site]));
                }
            }

            private AbstractValue Value(IOperation operation)
            {
                if (Values.TryGetValue(operation, out var value))
                {
                    return value;
                }

                return operation is IConversionOperation conversion ? Value(conversion.Operand) : AbstractValue.Empty;
            }

            /// <summary>The lock an acquisition site's result holds is not held here (the result is null, or handed on).</summary>
            private void DropSiteLock(FlowFacts facts, int site)
            {
                var id = engine.siteList[site].Capability;
                if (facts.Locks.TryGet(id, out var held) && held.Source == LockSource.Map)
                {
                    engine.RemoveLock(facts, id, held.Mode, held.Site, Removal.Forget);
                }
            }

            /// <summary>
            /// Locks named through <paramref name="id"/> are not held by it: a null reference holds none, and a site's new
            /// result is another object than the one its last result's locks belonged to (<paramref name="keepMap"/>: the
            /// lock the site itself takes is replaced by the acquisition).
            /// </summary>
            private void ForgetLocksWithin(FlowFacts facts, Capability id, bool keepMap = false)
            {
                if (facts.Locks.Held.Count == 0)
                {
                    return;
                }

                List<LockFact>? gone = null;
                foreach (var held in facts.Locks.Held.Values)
                {
                    if (held.Id.IsWithin(id) && !(keepMap && held.Source == LockSource.Map))
                    {
                        (gone ??= new List<LockFact>()).Add(held);
                    }
                }

                if (gone != null)
                {
                    foreach (var held in gone)
                    {
                        engine.RemoveLock(facts, held.Id, held.Mode, held.Site, Removal.Forget);
                    }
                }
            }

            private static SiteSet Bits(SiteSet set) => set;
        }
    }
}
