using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// What calls do to the lockset: the Runtime's annotated acquisitions and releases (and a consumer's wrappers),
    /// try-locks, scoped guards, <c>lock</c> statements, Monitor and System.Threading.Lock, and callees' summaries.
    /// </summary>
    internal sealed partial class DataflowEngine
    {
        private sealed partial class Transfer
        {
            private static LockMode ModeOf(MethodAnnotation annotation) => annotation.Shared ? LockMode.Shared : LockMode.Exclusive;

            /// <summary>Takes the lock <paramref name="target"/> names; one without an identity is still checked for its class.</summary>
            private void Acquire(AbstractValue target, string? declaredClass, bool nested, SyntaxNode site, LockSource source, LockMode mode, bool reentrant = false)
            {
                string? lockClass = declaredClass ?? target.LockClass;
                if (target.Lock is null)
                {
                    SnapshotsNeedRevalidation(Facts);
                    engine.CheckAcquire(Facts, null, lockClass, nested, site);
                    return;
                }

                engine.AddLock(Facts, new LockFact(target.Lock, lockClass, mode, source, site, nested, reentrant, via: target.Via));
            }

            /// <summary>
            /// A release through a local whose paths named different locks when they took them (<c>f = x</c> on one,
            /// <c>f = y</c> on the other, then <c>f.Unlock()</c>): the name no longer says which, so each lock taken
            /// through the local is given back — on each path, the one it holds.
            /// </summary>
            private bool ReleaseTakenThrough(AbstractValue value, LockMode mode, SyntaxNode site)
            {
                if (value.Via is null || value.Lock is null || (Facts.Locks.TryGet(value.Lock, out var named) && !named.May))
                {
                    return false; // the local names the lock it holds on every path: an ordinary release
                }

                List<LockFact>? through = null;
                foreach (var held in Facts.Locks.Held.Values)
                {
                    if (held.May && !held.Id.Equals(value.Lock) && SymbolEqualityComparer.Default.Equals(held.Via, value.Via))
                    {
                        (through ??= new List<LockFact>()).Add(held);
                    }
                }

                if (through is null)
                {
                    return false;
                }

                foreach (var held in through)
                {
                    Release(held.Id, mode, site);
                }

                if (Facts.Locks.ContainsHeld(value.Lock))
                {
                    Release(value.Lock, mode, site);
                }

                return true;
            }

            private void Release(Capability? id, LockMode mode, SyntaxNode site, bool quiet = false) => engine.RemoveLock(Facts, id, mode, site, Removal.Release, quiet);

            /// <summary>The class a wrapper's attribute leaves unnamed, when the receiver has none either.</summary>
            /// <remarks>
            /// The wrapper's body is read by an analysis at the deepest level (<see cref="LockSummaries.WrapperClass"/>);
            /// a wrapper met inside that analysis (a wrapper that calls itself, or another wrapper) takes its type's class,
            /// so reading never recurses.
            /// </remarks>
            private string? WrapperClass(IMethodSymbol method, AbstractValue receiver) =>
                receiver.LockClass ?? (engine.depth >= LockSummaries.MaxDepth
                    ? engine.known.LockClassOf(method.ContainingType)
                    : engine.summaries?.WrapperClass(method, engine.cancellation));

            /// <summary>
            /// <c>lock (x)</c> on a System.Threading.Lock: Roslyn's graph keeps the statement as one opaque operation with
            /// no Enter or Exit in it, so the lock is taken here, from the syntax, and given back on every edge that
            /// leaves the statement (<see cref="LeaveLockStatements"/>).
            /// </summary>
            private void EnterLockStatement(LockStatementSyntax statement, IOperation operation)
            {
                var known = engine.known;
                IOperation? expression = null;
                foreach (var candidate in operation.DescendantsAndSelf())
                {
                    if (candidate.Syntax == statement.Expression && known.ThreadingLock != null &&
                        SymbolEqualityComparer.Default.Equals(candidate.Type?.OriginalDefinition, known.ThreadingLock))
                    {
                        expression = candidate;
                        break;
                    }
                }

                if (expression is null)
                {
                    return; // a lock on another object: Monitor calls in the graph show it
                }

                var value = Value(expression);
                if (value.Lock is null)
                {
                    return;
                }

                engine.syntaxLocks[statement] = value.Lock;
                engine.syntaxLockIds = null;
                engine.AddLock(Facts, new LockFact(value.Lock, value.LockClass, LockMode.Exclusive, LockSource.Scoped, statement.Expression, reentrant: true, quiet: Quiet(value)));
            }

            /// <summary>A constructor marked [Acquires]: its lock-typed arguments are held until the new object is disposed.</summary>
            private AbstractValue ConstructGuard(IObjectCreationOperation creation, MethodAnnotation annotation)
            {
                AbstractValue? first = null;
                var mode = ModeOf(annotation);
                foreach (var argument in creation.Arguments)
                {
                    var value = Visit(argument.Value);
                    if (value.Lock != null || value.LockClass != null)
                    {
                        Acquire(value, annotation.AcquiredClass, annotation.Nested, creation.Syntax, LockSource.Scoped, mode);
                        first ??= value;
                    }
                }

                return first is { Lock: { } id } held
                    ? new AbstractValue(SiteSet.Empty, ConstValue.Unknown, id, annotation.AcquiredClass ?? held.LockClass, guard: true, guardMode: mode)
                    : AbstractValue.Empty;
            }

            /// <summary>The value of a call that is not an acquisition site: a guard, a try-lock's result, or a lock it returns.</summary>
            private AbstractValue ResultOf(IInvocationOperation invocation, MethodAnnotation annotation, AbstractValue receiver)
            {
                if (annotation.AcquiresScope && receiver.Lock != null)
                {
                    var held = Facts.Locks.TryGet(receiver.Lock, out var taken) ? taken.Class : receiver.LockClass;
                    return new AbstractValue(SiteSet.Empty, ConstValue.Unknown, receiver.Lock, held, guard: true, guardMode: ModeOf(annotation)); // disposing it releases the lock
                }

                if (engine.known.ThreadingLock != null && invocation.TargetMethod.Name == "EnterScope" &&
                    SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, engine.known.ThreadingLock))
                {
                    return new AbstractValue(SiteSet.Empty, ConstValue.Unknown, receiver.Lock, receiver.LockClass); // the scope stands for the lock
                }

                if (annotation.TryAcquiresReceiver && receiver.Lock != null)
                {
                    string? lockClass = annotation.AcquiredClass ?? receiver.LockClass ?? WrapperClass(invocation.TargetMethod, receiver);
                    if (lockClass != null && engine.Reporting)
                    {
                        engine.findings!.TriedClasses.Add(lockClass);
                    }

                    return new AbstractValue(SiteSet.Empty, ConstValue.Unknown,
                        tryLock: new TryLock(receiver.Lock, lockClass, annotation.TrySuccessValue, invocation.Syntax, ModeOf(annotation)));
                }

                if (!annotation.IsTracked && engine.known.DotNet.Classify(invocation.TargetMethod, invocation.Instance is null ? null : Unwrap(invocation.Instance).Type) is
                    { Kind: LockCallKind.TryAcquire } tried)
                {
                    var target = tried.Target < 0 ? receiver : ArgumentOf(invocation, tried.Target) is { } argument ? Value(argument.Value) : AbstractValue.Empty;
                    if (target.Lock != null)
                    {
                        return new AbstractValue(SiteSet.Empty, ConstValue.Unknown,
                            tryLock: new TryLock(target.Lock, target.LockClass, success: true, invocation.Syntax, tried.Mode, tried.Reentrant, Quiet(target), tried.Upgradeable));
                    }
                }

                string? returnedClass = null;
                foreach (var attribute in invocation.TargetMethod.GetReturnTypeAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, engine.known.LockClassAttribute) &&
                        attribute.ConstructorArguments.Length == 1)
                    {
                        returnedClass = attribute.ConstructorArguments[0].Value as string;
                    }
                }

                return returnedClass is null ? AbstractValue.Empty : new AbstractValue(SiteSet.Empty, ConstValue.Unknown, null, returnedClass);
            }

            /// <summary>Acquisitions and releases of receivers and arguments, and [MightSleep] calls.</summary>
            private void LockEffects(IInvocationOperation invocation, MethodAnnotation annotation, AbstractValue receiver, AbstractValue[] arguments)
            {
                // An out argument of a [LockClass] parameter (MapNoLock's ptl) makes the local a lock of that class.
                for (int i = 0; i < arguments.Length; i++)
                {
                    var argument = invocation.Arguments[i];
                    var written = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
                    if (argument.Parameter is { RefKind: RefKind.Out } parameter && PathOf(written) is { Member: null } target &&
                        engine.known.LockClassOf(parameter) is { } outClass)
                    {
                        Facts.LockLocals.Aliases[target.Root] = new LockAlias(null, outClass);
                    }
                }

                if (annotation.MightSleep)
                {
                    engine.CheckSleep(Facts, null, invocation.Syntax);
                    NoteSleep();
                }

                if (!annotation.IsTracked)
                {
                    DotNetLockEffects(invocation, receiver, arguments);
                }

                if (!annotation.IsTracked && engine.summaries?.Of(invocation.TargetMethod, engine.depth, engine.summaryUse, engine.cancellation) is { IsEmpty: false } summary)
                {
                    ApplySummary(invocation, summary, receiver);
                }

                var mode = ModeOf(annotation);
                if (annotation.AcquiresReceiver && invocation.Instance != null)
                {
                    Acquire(receiver, annotation.AcquiredClass ?? WrapperClass(invocation.TargetMethod, receiver), annotation.Nested, invocation.Syntax,
                        annotation.AcquiresScope ? LockSource.Scoped : LockSource.Acquired, mode);
                }

                if (annotation.AcquiresArguments)
                {
                    foreach (var argument in arguments)
                    {
                        if (argument.Lock != null || argument.LockClass != null)
                        {
                            Acquire(argument, annotation.AcquiredClass, annotation.Nested, invocation.Syntax, LockSource.Acquired, mode);
                        }
                    }
                }

                if (annotation.ReleasesReceiver && invocation.Instance != null && !engine.ReleasedByUnlock(receiver.Resources) &&
                    !ReleaseTakenThrough(receiver, mode, invocation.Syntax))
                {
                    Release(receiver.Lock, receiver.Guard ? receiver.GuardMode : mode, invocation.Syntax);
                }

                if (annotation.ReleasesArguments)
                {
                    foreach (var argument in arguments)
                    {
                        if (!engine.ReleasedByUnlock(argument.Resources))
                        {
                            Release(argument.Lock, mode, invocation.Syntax);
                        }
                    }
                }
            }

            /// <summary>
            /// .NET's own locks (Monitor and <c>lock</c>, System.Threading.Lock, SemaphoreSlim, ReaderWriterLockSlim,
            /// SpinLock, Mutex): acquisitions and releases by identity. One that no annotation names and no [LockClass]
            /// opts in is followed quietly (what it protects is checked, its balance is not: a semaphore may be a signal).
            /// A blocking wait sleeps (KD203 under a spinning lock).
            /// </summary>
            private void DotNetLockEffects(IInvocationOperation invocation, AbstractValue receiver, AbstractValue[] arguments)
            {
                var method = invocation.TargetMethod;
                var dotNet = engine.known.DotNet;
                if (dotNet.Waits(method) && !Polls(invocation))
                {
                    engine.CheckSleep(Facts, null, invocation.Syntax);
                    NoteSleep();
                }

                var call = dotNet.Classify(method, invocation.Instance is null ? null : Unwrap(invocation.Instance).Type);
                if (call is null)
                {
                    if (engine.known.ThreadingLockScope != null && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, engine.known.ThreadingLockScope) &&
                        receiver.Lock != null)
                    {
                        Release(receiver.Lock, LockMode.Exclusive, invocation.Syntax, Quiet(receiver)); // Scope.Dispose ends the lock statement
                    }

                    return;
                }

                if (call.Sleeps && !Polls(invocation))
                {
                    engine.CheckSleep(Facts, null, invocation.Syntax);
                    NoteSleep();
                }

                var target = call.Target < 0 ? receiver : ArgumentValue(invocation, arguments, call.Target);
                if (call.Kind == LockCallKind.Release)
                {
                    Release(target.Lock, call.Mode, invocation.Syntax, Quiet(target));
                    return;
                }

                if (call.Kind != LockCallKind.Acquire || target.Lock is null)
                {
                    return; // a try-lock's result carries the lock to its success edge (ResultOf)
                }

                bool isTry = method.Name.StartsWith("Try", System.StringComparison.Ordinal);
                var source = isTry ? LockSource.TryAcquired : method.Name == "EnterScope" ? LockSource.Scoped : LockSource.Acquired;
                engine.AddLock(Facts, new LockFact(target.Lock, target.LockClass, call.Mode, source, invocation.Syntax, reentrant: call.Reentrant,
                    quiet: Quiet(target), upgradeable: call.Upgradeable), checkClasses: !isTry);
                if (call.Taken >= 0 && ArgumentOf(invocation, call.Taken) is { } flag && PathOf(Unwrap(flag.Value)) is { Member: null } taken)
                {
                    Facts.LockLocals.TakenFlags[taken.Root] = new TakenFlag(target.Lock);
                }
            }

            /// <summary>A .NET lock that no annotation names and no [LockClass] opts in (see <see cref="LockFact.Quiet"/>).</summary>
            private bool Quiet(AbstractValue target)
            {
                if (target.LockClass != null || target.Lock is null)
                {
                    return false;
                }

                var named = target.Lock.Symbol ?? target.Lock.Root.Symbol;
                return named is null || !engine.known.IsNamedLock(named);
            }

            private static IArgumentOperation? ArgumentOf(IInvocationOperation invocation, int ordinal)
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Ordinal == ordinal)
                    {
                        return argument;
                    }
                }

                return null;
            }

            private static AbstractValue ArgumentValue(IInvocationOperation invocation, AbstractValue[] arguments, int ordinal)
            {
                for (int i = 0; i < arguments.Length; i++)
                {
                    if (invocation.Arguments[i].Parameter?.Ordinal == ordinal)
                    {
                        return arguments[i];
                    }
                }

                return AbstractValue.Empty;
            }

            /// <summary>A call to a summarised method: its acquisitions are checked here, its net effect applied.</summary>
            private void ApplySummary(IInvocationOperation invocation, LockSummary summary, AbstractValue receiver)
            {
                foreach (var lockClass in summary.Takes)
                {
                    if (Reentries(invocation, summary, lockClass, receiver) is not { } reentries)
                    {
                        engine.CheckAcquire(Facts, null, lockClass, nested: false, invocation.Syntax);
                        continue;
                    }

                    Reenter(lockClass, reentries, invocation.Syntax);
                }

                if (summary.MightSleep)
                {
                    engine.CheckSleep(Facts, null, invocation.Syntax);
                    NoteSleep();
                }

                foreach (var released in summary.Released)
                {
                    var id = InCaller(invocation, released.Lock, receiver);
                    if (engine.SiteNamedBy(Facts, id) is int named)
                    {
                        Release(SiteResult(named), invocation, UseKind.PassedOn); // a helper releases `pmd.LockPointer`: what `pmd.Lock()` returned
                    }
                    else
                    {
                        Release(id, released.Mode, invocation.Syntax);
                    }
                }

                foreach (var acquired in summary.Acquired)
                {
                    if (InCaller(invocation, acquired.Lock, receiver) is { } id)
                    {
                        engine.AddLock(Facts, new LockFact(id, acquired.Class, acquired.Mode, LockSource.Summary, invocation.Syntax, acquired.Nested, acquired.Reentrant),
                            checkClasses: false);
                    }
                }
            }

            /// <summary>The caller's identity of a lock the callee names through its parameters or <c>this</c>.</summary>
            private Capability? InCaller(IInvocationOperation invocation, Capability callee, AbstractValue receiver) =>
                callee.Rebase(
                    root =>
                {
                    if (root.Kind == CapabilityKind.This)
                    {
                        return invocation.Instance is null or IInstanceReferenceOperation ? Capability.This : receiver.Lock;
                    }

                    if (root.Kind == CapabilityKind.Static)
                    {
                        return OnAccessedType(root, invocation.TargetMethod); // S<int>.Need() needs S<int>.Gate
                    }

                    if (root.Kind == CapabilityKind.Parameter && root.Symbol is IParameterSymbol parameter)
                    {
                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.Parameter?.Ordinal == parameter.Ordinal)
                            {
                                return Value(argument.Value).Lock;
                            }
                        }
                    }

                    return null;
                },
                    engine.memberStep);

            /// <summary>
            /// <see cref="InCaller"/> with the receiver and arguments as written (<c>pmd.LockPointer</c>, not what a copied
            /// <c>pmd</c> stands for): a name a retry loop keeps from one turn to the next. Null where one is not a variable.
            /// </summary>
            private Capability? InCallerAsWritten(IInvocationOperation invocation, Capability callee) =>
                callee.Rebase(
                    root =>
                {
                    var written = root.Kind switch
                    {
                        CapabilityKind.This => invocation.Instance is null or IInstanceReferenceOperation ? null : invocation.Instance,
                        CapabilityKind.Parameter when root.Symbol is IParameterSymbol parameter => ArgumentOf(invocation, parameter.Ordinal)?.Value,
                        _ => null,
                    };
                    return written != null && PathOf(Unwrap(written)) is { } path
                        ? path.Member is null ? engine.RootOf(path.Root) : engine.MemberOf(engine.RootOf(path.Root), path.Member, null)
                        : null;
                },
                    engine.memberStep);

            private void NoteSleep()
            {
                if (engine.Reporting)
                {
                    engine.findings!.MightSleep = true;
                }
            }
        }
    }
}
