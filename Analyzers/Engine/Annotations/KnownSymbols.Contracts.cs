using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>A [GuardedBy]/[PtGuardedBy] member's lock: its identity relative to the member's owner (rooted at this, or a static).</summary>
    internal sealed class GuardInfo
    {
        public GuardInfo(Capability? lockId, bool pointee, string expression, string? error)
        {
            Lock = lockId;
            Pointee = pointee;
            Expression = expression;
            Error = error;
        }

        /// <summary>The lock, rooted at <see cref="Capability.This"/> (the member's owner) or at a static; null when it resolves to nothing.</summary>
        public Capability? Lock { get; }

        /// <summary>[PtGuardedBy]: what the member refers to is guarded, not the member.</summary>
        public bool Pointee { get; }

        /// <summary>The expression as written.</summary>
        public string Expression { get; }

        /// <summary>Why the expression names no lock (KD207), when it does not.</summary>
        public string? Error { get; }
    }

    /// <summary>One lock a [MustHold]/[MustNotHold] names, relative to the method (its parameters, this, a static).</summary>
    internal readonly struct ContractLock
    {
        public ContractLock(Capability? lockId, LockMode mode, string expression, string? error)
        {
            Lock = lockId;
            Mode = mode;
            Expression = expression;
            Error = error;
        }

        public Capability? Lock { get; }

        /// <summary>For [MustHold]: the least mode the callers hold it in.</summary>
        public LockMode Mode { get; }

        public string Expression { get; }

        public string? Error { get; }
    }

    /// <summary>A method's lock contract: what its callers must hold, and what they must not.</summary>
    internal sealed class LockContract
    {
        public static readonly LockContract None = new LockContract();

        public List<ContractLock> MustHold { get; } = new List<ContractLock>();

        public List<ContractLock> MustNotHold { get; } = new List<ContractLock>();

        /// <summary>[ContextUnsafe]: the body is not checked for guarded data or contracts.</summary>
        public string? UnsafeReason { get; set; }

        public bool IsEmpty => MustHold.Count == 0 && MustNotHold.Count == 0 && UnsafeReason is null;
    }

    /// <summary>Guarded data and lock contracts: [GuardedBy], [PtGuardedBy], [MustHold], [MustNotHold], [ContextUnsafe], read once per symbol.</summary>
    internal sealed partial class KnownSymbols
    {
        private readonly ConcurrentDictionary<ISymbol, GuardInfo?> guards = new ConcurrentDictionary<ISymbol, GuardInfo?>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<IMethodSymbol, LockContract> contracts = new ConcurrentDictionary<IMethodSymbol, LockContract>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<ISymbol, bool> namedLocks = new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

        public INamedTypeSymbol? GuardedBy { get; private set; }

        public INamedTypeSymbol? PtGuardedBy { get; private set; }

        public INamedTypeSymbol? MustHold { get; private set; }

        public INamedTypeSymbol? MustNotHold { get; private set; }

        public INamedTypeSymbol? ContextUnsafe { get; private set; }

        /// <summary>The Runtime's Lockdep (its AssertHeld is an assumption for the analysis).</summary>
        public INamedTypeSymbol? Lockdep { get; private set; }

        /// <summary>Whether the Runtime has the guarded-data attributes at all (an older Runtime has not).</summary>
        public bool HasContracts => GuardedBy != null;

        private void ReadContractTypes(System.Func<string, INamedTypeSymbol?> runtimeType)
        {
            GuardedBy = runtimeType("GuardedByAttribute");
            PtGuardedBy = runtimeType("PtGuardedByAttribute");
            MustHold = runtimeType("MustHoldAttribute");
            MustNotHold = runtimeType("MustNotHoldAttribute");
            ContextUnsafe = runtimeType("ContextUnsafeAttribute");
            Lockdep = runtimeType("Lockdep");
        }

        /// <summary>The guard of a field or property, or null when it has none.</summary>
        public GuardInfo? GuardOf(ISymbol member)
        {
            if (GuardedBy is null || member is not (IFieldSymbol or IPropertySymbol))
            {
                return null;
            }

            member = member.OriginalDefinition;
            if (guards.TryGetValue(member, out var known))
            {
                return known;
            }

            GuardInfo? guard = null;
            foreach (var attribute in member.GetAttributes())
            {
                bool pointee = SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, PtGuardedBy);
                if ((pointee || SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, GuardedBy)) &&
                    attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string expression)
                {
                    var (id, error) = ResolveLock(expression, member, null);
                    if (error is null && pointee && TypeOf(member) is { IsReferenceType: false, TypeKind: not TypeKind.Pointer })
                    {
                        error = "[PtGuardedBy] guards what a reference refers to, and '" + member.Name + "' is not a reference";
                    }

                    guard = new GuardInfo(error is null ? id : null, pointee, expression, error);
                }
            }

            guards[member] = guard;
            return guard;
        }

        /// <summary>The lock contract of a method, local function, lambda or property accessor (a property's attributes count for its accessors).</summary>
        public LockContract ContractOf(IMethodSymbol method)
        {
            if (MustHold is null)
            {
                return LockContract.None;
            }

            method = method.OriginalDefinition;
            if (contracts.TryGetValue(method, out var known))
            {
                return known;
            }

            LockContract? contract = null;
            Read(method.GetAttributes(), method, ref contract);
            if (method.AssociatedSymbol is IPropertySymbol property)
            {
                Read(property.GetAttributes(), method, ref contract);
            }

            contract ??= LockContract.None;
            contracts[method] = contract;
            return contract;
        }

        private void Read(System.Collections.Immutable.ImmutableArray<AttributeData> attributes, IMethodSymbol method, ref LockContract? contract)
        {
            foreach (var attribute in attributes)
            {
                bool must = SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, MustHold);
                bool mustNot = !must && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, MustNotHold);
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, ContextUnsafe))
                {
                    (contract ??= new LockContract()).UnsafeReason = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
                    continue;
                }

                if (!must && !mustNot)
                {
                    continue;
                }

                var mode = NamedBool(attribute, "Shared") ? LockMode.Shared : LockMode.Exclusive;
                foreach (var expression in Expressions(attribute))
                {
                    var (id, error) = ResolveLock(expression, method, method);
                    var entry = new ContractLock(error is null ? id : null, mode, expression, error);
                    (must ? (contract ??= new LockContract()).MustHold : (contract ??= new LockContract()).MustNotHold).Add(entry);
                }
            }
        }

        /// <summary>The strings of a <c>params string[]</c> attribute argument.</summary>
        internal static IEnumerable<string> Expressions(AttributeData attribute)
        {
            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.IsNull)
                {
                    continue; // [MustHold(null)]: nothing named (and nothing to iterate)
                }

                if (argument.Kind == TypedConstantKind.Array)
                {
                    foreach (var item in argument.Values)
                    {
                        if (item.Value is string text)
                        {
                            yield return text;
                        }
                    }
                }
                else if (argument.Value is string single)
                {
                    yield return single;
                }
            }
        }

        /// <summary>Whether a member's body is exempt: [ContextUnsafe] on it, or on the member a lambda or local function is in.</summary>
        public bool IsContextUnsafe(IMethodSymbol function)
        {
            for (ISymbol? symbol = function; symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
            {
                if (ContractOf(method).UnsafeReason != null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Resolves a lock expression: a parameter of <paramref name="method"/>, or a member of the annotated member's type
        /// (base types included), or a static member, then members along the dots. The result is rooted at a parameter,
        /// at this (the owner), or at a static; or an error that says what went wrong.
        /// </summary>
        public (Capability? Lock, string? Error) ResolveLock(string expression, ISymbol annotated, IMethodSymbol? method)
        {
            var segments = expression.Split('.');
            if (segments.Length > 0 && segments[0] == "this")
            {
                var rest = new string[segments.Length - 1];
                System.Array.Copy(segments, 1, rest, 0, rest.Length);
                segments = rest;
            }

            if (segments.Length == 0 && expression == "this")
            {
                return ResolveThis(annotated, method);
            }

            if (segments.Length == 0 || System.Array.Exists(segments, s => s.Length == 0))
            {
                return (null, "'" + expression + "' names no member or parameter");
            }

            Capability? id = null;
            ITypeSymbol? type = null;
            ISymbol? last = null;
            // A static member, or a static method, has no owner whose members could be its lock.
            bool isStaticContext = annotated.IsStatic && (method is null || method.MethodKind != MethodKind.LocalFunction);
            if (method != null)
            {
                foreach (var parameter in method.Parameters)
                {
                    if (parameter.Name == segments[0])
                    {
                        id = Capability.Parameter(parameter);
                        type = parameter.Type;
                        last = parameter;
                    }
                }
            }

            int start = id is null ? 0 : 1;
            if (id is null)
            {
                var member = FindMember(annotated.ContainingType, segments[0]);
                if (member is null)
                {
                    return (null, "'" + segments[0] + "' in '" + expression + "' names no member of " + annotated.ContainingType?.Name + (method is null ? string.Empty : " and no parameter"));
                }

                if (isStaticContext && !member.IsStatic)
                {
                    return (null, method is null
                        ? "the static member '" + annotated.Name + "' is guarded by the instance member '" + member.Name + "'; name a static lock"
                        : "the static method '" + annotated.Name + "' names the instance member '" + member.Name + "', which no caller can hold for it; name a static lock or a parameter's");
                }

                id = member.IsStatic ? Capability.Static(member) : Capability.This.Member(member);
                type = TypeOf(member);
                last = member;
                start = 1;
            }

            for (int i = start; i < segments.Length; i++)
            {
                var member = type is null ? null : FindMember(type, segments[i]);
                if (member is null)
                {
                    return (null, "'" + segments[i] + "' in '" + expression + "' names no member of " + type?.Name);
                }

                id = member.IsStatic ? Capability.Static(member) : id!.Member(member);
                type = TypeOf(member);
                last = member;
            }

            if (!IsLockType(type, last))
            {
                return (null, "'" + expression + "' is " + (type?.ToDisplayString() ?? "not typed") + ", not a lock the analyses know (a Runtime lock, an object used with lock or Monitor, System.Threading.Lock, SemaphoreSlim, ReaderWriterLockSlim, SpinLock, Mutex)");
            }

            return (id, null);
        }

        /// <summary>
        /// <c>"this"</c>: the owner itself is the lock, as a [LockClass] type's instances are (a folio's state under
        /// <c>folio.Lock()</c>) or an object that is its own monitor (<c>lock (this)</c>). Not for a static member.
        /// </summary>
        private (Capability? Lock, string? Error) ResolveThis(ISymbol annotated, IMethodSymbol? method)
        {
            if ((method ?? annotated).IsStatic)
            {
                return (null, "'this' names the owner of '" + annotated.Name + "', which is static; name a static lock");
            }

            var type = annotated.ContainingType;
            if (!IsLockType(type, type))
            {
                return (null, "'this' is " + (type?.ToDisplayString() ?? "not typed") + ", not a lock the analyses know");
            }

            return (Capability.This, null);
        }

        private static ISymbol? FindMember(ITypeSymbol? type, string name)
        {
            for (var current = type; current != null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers(name))
                {
                    if (member is IFieldSymbol or IPropertySymbol)
                    {
                        return member;
                    }
                }
            }

            return null;
        }

        /// <summary>The declared type of a field, property, parameter or local (what a lock expression's step is).</summary>
        internal static ITypeSymbol? TypeOf(ISymbol? symbol) => symbol switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            IParameterSymbol parameter => parameter.Type,
            ILocalSymbol local => local.Type,
            _ => null,
        };

        /// <summary>A type whose instances the analyses follow as locks: a Runtime lock, a [LockClass] type or member, a .NET lock type, or any class (a monitor).</summary>
        private bool IsLockType(ITypeSymbol? type, ISymbol? symbol)
        {
            if (type is null)
            {
                return false;
            }

            if (LockClassOf(symbol) != null || LockClassOf(type) != null || DotNet.IsLockType(type))
            {
                return true;
            }

            for (var current = type; current != null; current = current.BaseType)
            {
                if (current.Name == "KernelLock" && current.ContainingNamespace?.ToDisplayString() == RuntimeNamespace)
                {
                    return true;
                }
            }

            // Any object can be a monitor; a value or a string cannot be one that means anything.
            return type.IsReferenceType && type.SpecialType != SpecialType.System_String && type.TypeKind != TypeKind.Delegate;
        }

        /// <summary>
        /// Whether an annotation names this member or parameter as a lock: a [GuardedBy]/[PtGuardedBy] of its type, or a
        /// [MustHold]/[MustNotHold] of its type's methods (a parameter: of its method). Such a .NET lock is checked for
        /// balance (KD204) as an opted-in one is; others are followed for identity only.
        /// </summary>
        public bool IsNamedLock(ISymbol symbol)
        {
            if (GuardedBy is null)
            {
                return false;
            }

            symbol = symbol.OriginalDefinition;
            if (namedLocks.TryGetValue(symbol, out bool known))
            {
                return known;
            }

            bool named = false;
            if (symbol is IParameterSymbol parameter && parameter.ContainingSymbol is IMethodSymbol method)
            {
                foreach (var held in ContractOf(method).MustHold)
                {
                    named |= held.Lock?.Root.Symbol is IParameterSymbol p && p.Ordinal == parameter.Ordinal;
                }

                foreach (var excluded in ContractOf(method).MustNotHold)
                {
                    named |= excluded.Lock?.Root.Symbol is IParameterSymbol p && p.Ordinal == parameter.Ordinal;
                }
            }
            else if (symbol is IFieldSymbol or IPropertySymbol && symbol.ContainingType is { } type)
            {
                foreach (var member in type.GetMembers())
                {
                    named |= Names(GuardOf(member)?.Lock, symbol);
                    if (member is IMethodSymbol m && !named)
                    {
                        foreach (var held in ContractOf(m).MustHold)
                        {
                            named |= Names(held.Lock, symbol);
                        }

                        foreach (var excluded in ContractOf(m).MustNotHold)
                        {
                            named |= Names(excluded.Lock, symbol);
                        }
                    }
                }
            }

            namedLocks[symbol] = named;
            return named;
        }

        private static bool Names(Capability? id, ISymbol symbol) =>
            id?.Symbol is { } last && SymbolEqualityComparer.Default.Equals(last.OriginalDefinition, symbol);
    }
}
