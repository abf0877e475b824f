using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// Guarded data (KD205) and lock contracts (KD206): an access to a [GuardedBy] member, or to what a [PtGuardedBy]
    /// member refers to, asks the lockset whether its lock is held in the mode the access needs; a call asks whether
    /// the callee's [MustHold] locks are held and its [MustNotHold] ones are not. A [MustHold] body starts with its locks
    /// held, a local function with the locks held at every one of its calls.
    /// </summary>
    internal sealed partial class DataflowEngine
    {

        /// <summary>Whether accesses and calls in this body are checked: not a constructor or finalizer, not [ContextUnsafe].</summary>
        private bool ChecksGuards => checksGuards ??= known.HasContracts && function != null &&
            function.MethodKind is not (MethodKind.Constructor or MethodKind.StaticConstructor or MethodKind.Destructor) &&
            !known.IsContextUnsafe(function);

        private bool? checksGuards;

        /// <summary>What the body holds at entry: its [MustHold] locks, and what its callers in the enclosing body hold.</summary>
        private void AddEntryLocks(FlowFacts facts)
        {
            if (function is null)
            {
                return;
            }

            var at = function.DeclaringSyntaxReferences.Length > 0 ? function.DeclaringSyntaxReferences[0].GetSyntax(cancellation) : cfg.OriginalOperation.Syntax;
            foreach (var held in known.ContractOf(function).MustHold)
            {
                if (held.Lock != null)
                {
                    facts.Locks.Held[held.Lock] = new LockFact(held.Lock, ClassOfLock(held.Lock), held.Mode, LockSource.Contract, at, reentrant: IsReentrant(held.Lock));
                }
            }

            foreach (var held in entryLocks)
            {
                if (!facts.Locks.ContainsHeld(held.Id))
                {
                    facts.Locks.Held[held.Id] = new LockFact(held.Id, held.Class, held.Mode, LockSource.Contract, held.Site, held.Nested, held.Reentrant, quiet: held.Quiet);
                }
            }
        }

        /// <summary>
        /// Whether a lock held without being taken here (a contract's, an assertion's) may be entered again: a monitor, a
        /// System.Threading.Lock or a Mutex may; the Runtime's locks and SemaphoreSlim, ReaderWriterLockSlim, SpinLock not.
        /// </summary>
        private bool IsReentrant(Capability id)
        {
            var type = id.Kind == CapabilityKind.This ? function?.ContainingType : id.Symbol switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                IParameterSymbol parameter => parameter.Type,
                ILocalSymbol local => local.Type,
                _ => null,
            };
            if (type is null || !type.IsReferenceType || known.LockClassOf(type) != null || known.LockClassOf(id.Symbol) != null)
            {
                return false;
            }

            for (var current = type; current != null; current = current.BaseType)
            {
                if (current.Name == "KernelLock" && current.ContainingNamespace?.ToDisplayString() == KnownSymbols.RuntimeNamespace)
                {
                    return false;
                }
            }

            var dotNet = known.DotNet;
            var definition = type.OriginalDefinition;
            return !(SymbolEqualityComparer.Default.Equals(definition, dotNet.SemaphoreSlim) ||
                SymbolEqualityComparer.Default.Equals(definition, dotNet.ReaderWriterLockSlim) ||
                SymbolEqualityComparer.Default.Equals(definition, dotNet.SpinLock));
        }

        /// <summary>The class of a lock named by a contract: its member's or its type's [LockClass].</summary>
        private string? ClassOfLock(Capability id) =>
            id.Symbol is { } symbol ? known.LockClassOf(symbol) ?? known.LockClassOf(symbol switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                IParameterSymbol parameter => parameter.Type,
                _ => null,
            }) : null;

        /// <summary>
        /// KD205 at a <c>return ref</c> of a guarded member: the reference outlives the lock unless the callers hold it by
        /// contract ([MustHold]), whatever this body holds.
        /// </summary>
        private void CheckRefReturn(FlowFacts facts, IOperation? value)
        {
            if (value is null || function is not ({ ReturnsByRef: true } or { ReturnsByRefReadonly: true }) || !ChecksGuards ||
                Unwrap(value) is not IMemberReferenceOperation member || known.GuardOf(member.Member) is not { Pointee: false, Lock: { } guardLock })
            {
                return;
            }

            var owner = member.Instance is null or IInstanceReferenceOperation ? Capability.This : ValueOf(member.Instance).Lock;
            var id = guardLock.Rebase(root => root.Kind == CapabilityKind.This ? owner : root, memberStep);
            if (id != null && !(facts.Locks.TryGet(id, out var held) && held.Source == LockSource.Contract && !held.May))
            {
                findings!.Guards.Add(new GuardedAccessFinding(GuardProblem.ReferenceEscapes, member.Syntax, member.Member, Describe(id), pointee: false, somePaths: false, ContractText(id)));
            }
        }

        /// <summary>KD206 at an exit: a [MustHold] lock the body gave back and did not take again (unless it is [Releases]).</summary>
        private void CheckContractsAtExit(FlowFacts facts, SyntaxNode? exit)
        {
            if (function is null || !ChecksGuards || known.Annotation(function) is { ReleasesReceiver: true } or { ReleasesArguments: true })
            {
                return;
            }

            foreach (var held in known.ContractOf(function).MustHold)
            {
                if (held.Lock != null && !(facts.Locks.TryGet(held.Lock, out var fact) && !fact.May))
                {
                    // Reported where it was given back, when that is one place; else where the path leaves.
                    var at = facts.Locks.Released.TryGetValue(held.Lock, out var released) ? released : exit ?? cfg.OriginalOperation.Syntax;
                    findings!.Contracts.Add(new ContractFinding(ContractProblem.ReleasedAtExit, at, function, Describe(held.Lock), held.Mode, somePaths: false));
                }
            }
        }

        /// <summary>
        /// The lock as this function's own [MustHold] would name it (a member of this, a parameter, a static of its type),
        /// or null when no contract of this function can name it (a lock reached through a local).
        /// </summary>
        private string? ContractText(Capability id)
        {
            var root = id.Root;
            if (root.Kind == CapabilityKind.This || (root.Kind == CapabilityKind.Parameter && SymbolEqualityComparer.Default.Equals(root.Symbol!.ContainingSymbol, function)))
            {
                return Describe(id);
            }

            if (root.Kind == CapabilityKind.Static && SymbolEqualityComparer.Default.Equals(root.Symbol!.ContainingType, function?.ContainingType))
            {
                string text = Describe(id);
                return text.Substring(text.IndexOf('.') + 1);
            }

            return null;
        }

        /// <summary>A lock as a message names it: <c>gate</c> for this body's own, <c>other.gate</c>, <c>mm.MmapLock</c>.</summary>
        private string Describe(Capability id)
        {
            string text = id.Describe(SiteText);
            return text.StartsWith("this.", System.StringComparison.Ordinal) ? text.Substring("this.".Length) : text;
        }

        private sealed partial class Transfer
        {
            /// <summary>How an operation uses a member: reads it, writes it, or lets a reference to it out.</summary>
            private enum Access
            {
                Read,
                Write,
                ReturnedByRef,
            }

            /// <summary>KD205 at a reference to a [GuardedBy] member (its owner's value in hand).</summary>
            private void CheckGuarded(IMemberReferenceOperation member, AbstractValue owner, Access access)
            {
                if (engine.ChecksGuards && engine.known.GuardOf(member.Member) is { Pointee: false, Lock: { } } guard)
                {
                    CheckGuard(member, guard, member.Member, owner, access);
                }
            }

            /// <summary>KD205 for what a [PtGuardedBy] member refers to: an element, a member or a call reached through <paramref name="through"/>.</summary>
            private void CheckPointee(IOperation? through, IOperation at, Access access)
            {
                if (through is null || !engine.ChecksGuards || Unwrap(through) is not IMemberReferenceOperation member ||
                    engine.known.GuardOf(member.Member) is not { Pointee: true, Lock: { } } guard)
                {
                    return;
                }

                CheckGuard(at, guard, member.Member, member.Instance is null ? AbstractValue.Empty : Value(member.Instance), access);
            }

            /// <summary>A static lock of a generic type, on the constructed type the access goes through (S&lt;int&gt;.Gate for S&lt;int&gt;.State).</summary>
            private static Capability OnAccessedType(Capability root, ISymbol accessed)
            {
                if (root.Kind != CapabilityKind.Static || root.Symbol?.ContainingType is not { IsGenericType: true } declaring ||
                    accessed.ContainingType is not { } constructed || SymbolEqualityComparer.Default.Equals(declaring, constructed) ||
                    !SymbolEqualityComparer.Default.Equals(declaring.OriginalDefinition, constructed.OriginalDefinition))
                {
                    return root;
                }

                foreach (var candidate in constructed.GetMembers(root.Symbol.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, root.Symbol.OriginalDefinition))
                    {
                        return Capability.Static(candidate);
                    }
                }

                return root;
            }

            private void CheckGuard(IOperation at, GuardInfo guard, ISymbol member, AbstractValue owner, Access access)
            {
                // The lock is the guard's, on the member's owner: other.value needs other.gate.
                var id = guard.Lock!.Rebase(root => root.Kind == CapabilityKind.This ? owner.Lock : OnAccessedType(root, member), engine.memberStep);
                if (id is null)
                {
                    return; // an owner the analysis cannot name: nothing to compare with
                }

                bool held = engine.TryGetHeld(Facts, id, out var fact);
                var problem = !held ? (access == Access.Read ? GuardProblem.ReadWithoutLock : GuardProblem.WriteWithoutLock)
                    : access == Access.ReturnedByRef && fact.Source != LockSource.Contract ? GuardProblem.ReferenceEscapes
                    : access != Access.Read && fact.Mode != LockMode.Exclusive ? GuardProblem.WriteUnderShared
                    : fact.May ? (access == Access.Read ? GuardProblem.ReadWithoutLock : GuardProblem.WriteWithoutLock)
                    : (GuardProblem?)null;
                if (problem is { } found && engine.Reporting)
                {
                    engine.findings!.Guards.Add(new GuardedAccessFinding(found, at.Syntax, member, engine.Describe(id), guard.Pointee, held && fact.May, engine.ContractText(id)));
                }
            }

            /// <summary>How the operation around <paramref name="operation"/> uses it.</summary>
            private Access AccessOf(IOperation operation)
            {
                var parent = operation.Parent;
                while (parent is IConversionOperation or IParenthesizedOperation)
                {
                    operation = parent;
                    parent = parent.Parent;
                }

                return parent switch
                {
                    ICompoundAssignmentOperation compound when compound.Target == operation => Access.Write,
                    IIncrementOrDecrementOperation step when step.Target == operation => Access.Write,
                    ISimpleAssignmentOperation assignment when assignment.Target == operation => Access.Write,
                    IDeconstructionAssignmentOperation deconstruction when deconstruction.Target == operation => Access.Write,
                    ITupleOperation { Parent: IDeconstructionAssignmentOperation } => Access.Write,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => Access.Write,
                    IReturnOperation when engine.function is { ReturnsByRef: true } or { ReturnsByRefReadonly: true } => Access.ReturnedByRef,
                    _ => Access.Read,
                };
            }

            /// <summary>KD206 at a call: the callee's [MustHold] locks held in their mode, its [MustNotHold] ones not held.</summary>
            private void CheckContract(IMethodSymbol callee, IOperation at, IInvocationOperation? invocation, AbstractValue receiver)
            {
                if (!engine.ChecksGuards || !engine.Reporting)
                {
                    return;
                }

                var contract = engine.known.ContractOf(callee);
                if (contract.MustHold.Count == 0 && contract.MustNotHold.Count == 0)
                {
                    return;
                }

                foreach (var required in contract.MustHold)
                {
                    if (InCallerOf(invocation, required.Lock, receiver) is not { } id)
                    {
                        continue;
                    }

                    bool held = engine.TryGetHeld(Facts, id, out var fact);
                    var problem = !held || fact.May ? ContractProblem.NotHeld
                        : required.Mode == LockMode.Exclusive && fact.Mode != LockMode.Exclusive ? ContractProblem.HeldShared
                        : (ContractProblem?)null;
                    if (problem is { } found)
                    {
                        engine.findings!.Contracts.Add(new ContractFinding(found, at.Syntax, callee, engine.Describe(id), required.Mode, held && fact.May));
                    }
                }

                foreach (var excluded in contract.MustNotHold)
                {
                    if (InCallerOf(invocation, excluded.Lock, receiver) is { } id && engine.TryGetHeld(Facts, id, out var fact))
                    {
                        engine.findings!.Contracts.Add(new ContractFinding(ContractProblem.HeldButExcluded, at.Syntax, callee, engine.Describe(id), fact.Mode, fact.May, fact.Site));
                    }
                }
            }

            /// <summary>A contract's lock in the caller's terms: through the call's arguments and receiver; a property's through its receiver.</summary>
            private Capability? InCallerOf(IInvocationOperation? invocation, Capability? callee, AbstractValue receiver)
            {
                if (callee is null)
                {
                    return null;
                }

                if (invocation != null)
                {
                    return InCaller(invocation, callee, receiver);
                }

                return callee.Rebase(
                    root => root.Kind switch
                    {
                        CapabilityKind.This => receiver.Lock,
                        CapabilityKind.Static => root,
                        _ => null,
                    },
                    engine.memberStep);
            }

            /// <summary>A property's accessors, as the access uses them, checked against their contracts.</summary>
            private void CheckAccessorContracts(IPropertyReferenceOperation property, AbstractValue owner, Access access)
            {
                if (!engine.ChecksGuards || !engine.known.HasContracts)
                {
                    return;
                }

                if (access != Access.Write || property.Parent is ICompoundAssignmentOperation or IIncrementOrDecrementOperation)
                {
                    if (property.Property.GetMethod is { } getter)
                    {
                        CheckContract(getter, property, null, owner);
                    }
                }

                if (access != Access.Read && property.Property.SetMethod is { } setter)
                {
                    CheckContract(setter, property, null, owner);
                }
            }

            /// <summary>
            /// <c>Lockdep.AssertHeld(x)</c>: from here on <c>x</c> is held (Clang's ASSERT_CAPABILITY; the call throws
            /// under lockdep where it is not). <c>AssertHeldShared</c> assumes it held for read.
            /// </summary>
            private bool Assert(IInvocationOperation invocation, AbstractValue[] arguments)
            {
                var method = invocation.TargetMethod;
                if (engine.known.Lockdep is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, engine.known.Lockdep) ||
                    method.Name is not ("AssertHeld" or "AssertHeldShared") || arguments.Length != 1)
                {
                    return false;
                }

                var target = arguments[0];
                var mode = method.Name == "AssertHeld" ? LockMode.Exclusive : LockMode.Shared;
                if (target.Lock is null)
                {
                    return true;
                }

                if (!Facts.Locks.TryGet(target.Lock, out var held))
                {
                    Facts.Locks.Held[target.Lock] = new LockFact(target.Lock, target.LockClass, mode, LockSource.Asserted, invocation.Syntax, reentrant: engine.IsReentrant(target.Lock));
                }
                else if (held.May || (mode == LockMode.Exclusive && held.Mode != LockMode.Exclusive))
                {
                    // Held on some paths only (a retry loop's last turn), or for read: the call throws on every path that
                    // does not hold it so, so the paths that go on all do. What the body owes for it stays as it was.
                    Facts.Locks.Held[target.Lock] = new LockFact(held.Id, held.Class, mode == LockMode.Exclusive ? mode : held.Mode, held.Source, held.Site,
                        held.Nested, held.Reentrant, held.Depth, may: false, held.OtherModeSite, held.Reported, held.SiteMode, held.Quiet, held.Upgradeable);
                }

                return true;
            }

            /// <summary>A call of a local function of this code block: what is held here is what it can count on (intersected over its calls).</summary>
            private void NoteLocalFunctionCall(IInvocationOperation invocation)
            {
                if (engine.Reporting && invocation.TargetMethod.MethodKind == MethodKind.LocalFunction)
                {
                    engine.localFunctionCalls?.Note(invocation.TargetMethod, Facts.Locks);
                }
            }
        }
    }
}
