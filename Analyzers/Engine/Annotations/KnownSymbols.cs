using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What an annotated method does, read once per method from its attributes.</summary>
    internal sealed class MethodAnnotation
    {
        public static readonly MethodAnnotation None = new MethodAnnotation();

        /// <summary>Returns null on failure ([Fallible]).</summary>
        public bool Fallible { get; set; }

        /// <summary>The returned value holds a lock or a map ([Acquires] targeting the return value).</summary>
        public bool AcquiresReturn { get; set; }

        /// <summary>Releases its receiver ([Releases] targeting the receiver).</summary>
        public bool ReleasesReceiver { get; set; }

        /// <summary>Releases its lock-typed arguments ([Releases(Target = Arguments)]).</summary>
        public bool ReleasesArguments { get; set; }

        /// <summary>Acquires, releases or may sleep: worth a control flow graph.</summary>
        public bool IsTracked => Fallible || AcquiresReturn || ReleasesReceiver || ReleasesArguments || Other || ChargesReturn != null;

        /// <summary>KD302: the charge the call puts on its receiver ([Charges] on the method).</summary>
        public ChargeSpec? ChargesReceiver { get; set; }

        /// <summary>KD302: the charge the returned object carries ([return: Charges]); the call is an acquisition site.</summary>
        public ChargeSpec? ChargesReturn { get; set; }

        /// <summary>KD302: the charge one argument carries ([Charges] on a parameter), with that parameter's ordinal.</summary>
        public ChargeSpec? ChargesArgument { get; set; }

        public int ChargedOrdinal { get; set; } = -1;

        /// <summary>KD302: the resource the call gives back for its receiver ([Uncharges] on the method).</summary>
        public string? UnchargesReceiver { get; set; }

        /// <summary>KD302: the resource the call gives back for one argument ([Uncharges] on a parameter), and its ordinal.</summary>
        public string? UnchargesArgument { get; set; }

        public int UnchargedOrdinal { get; set; } = -1;

        /// <summary>Some other annotation the lock rules read ([Acquires] on the receiver, [TryAcquires], [MightSleep]).</summary>
        public bool Other { get; set; }

        /// <summary>Acquires its receiver (<c>ptl.Lock()</c>, <c>mm.MmapLock.DownRead()</c>).</summary>
        public bool AcquiresReceiver { get; set; }

        /// <summary>KD305: takes a lockless snapshot of the receiver's entry.</summary>
        public bool Snapshot { get; set; }

        /// <summary>KD305: re-validates the receiver's PMD under the lock held.</summary>
        public bool Revalidates { get; set; }

        /// <summary>KD305: writes the page table the receiver maps.</summary>
        public bool WritesPageTable { get; set; }

        /// <summary>KD303: the ordinal of the [FollFlags] parameter, or -1.</summary>
        public int FollFlagsOrdinal { get; set; } = -1;

        /// <summary>KD303: the ordinal of the [FollPages] parameter, or -1.</summary>
        public int FollPagesOrdinal { get; set; } = -1;

        /// <summary>KD303: flags the method adds itself ([FollFlags(Implied = …)]).</summary>
        public int ImpliedFollFlags { get; set; }

        /// <summary>Returns (or, a constructor, is) a guard whose Dispose releases what it acquired ([Acquires(Target = Scope)]).</summary>
        public bool AcquiresScope { get; set; }

        /// <summary>Acquires its lock-typed arguments (<c>LockOrder.DoubleLock(a, b)</c>).</summary>
        public bool AcquiresArguments { get; set; }

        /// <summary>Takes the lock nested on purpose: an ordering helper or a nesting annotation.</summary>
        public bool Nested { get; set; }

        /// <summary>Shared (read) acquisition or release.</summary>
        public bool Shared { get; set; }

        /// <summary>Acquires its receiver only when it returns <see cref="TrySuccessValue"/>.</summary>
        public bool TryAcquiresReceiver { get; set; }

        public bool TrySuccessValue { get; set; } = true;

        /// <summary>The class a [Releases] names, if any.</summary>
        public string? ReleasedClass { get; set; }

        /// <summary>[MightSleep]: must not run in atomic context.</summary>
        public bool MightSleep { get; set; }

        /// <summary>The lock class named by [Acquires] on the return value, if any.</summary>
        public string? AcquiredClass { get; set; }

        /// <summary>For a returned resource: the name of the method that releases it (Unlock, or Dispose for a lockless map).</summary>
        public string? ReleaseMethodName { get; set; }

        /// <summary>The returned value is the lock itself (its type takes its own lock), not a map that holds one: unlocked, it lives on.</summary>
        public bool ReturnsLock { get; set; }

        /// <summary>
        /// [Acquires(Returns = "…")]: the lock the returned one is, as the method names it (a member of its type, a
        /// parameter, or a path from one: <c>nameof(LockPointer)</c>, <c>"pmd.LockPointer"</c>); a call substitutes its
        /// receiver and arguments, as for a contract.
        /// </summary>
        public Capability? ReturnedLock { get; set; }

        /// <summary>Why [Acquires(Returns = …)] names no member the returned lock can be (KD207), if it does not.</summary>
        public string? ReturnedError { get; set; }
    }

    /// <summary>A declared lock class: sleeping or spinning, and its rank in the order (0: unordered).</summary>
    internal sealed class LockClassInfo
    {
        public LockClassInfo(string name, bool sleeping, int rank)
        {
            Name = name;
            Sleeping = sleeping;
            Rank = rank;
        }

        public string Name { get; }

        public bool Sleeping { get; }

        public int Rank { get; }

        /// <summary>The declared order takes this class before <paramref name="inner"/>.</summary>
        public bool MustPrecede(LockClassInfo inner) => Rank != 0 && inner.Rank != 0 && Rank < inner.Rank;
    }

    /// <summary>
    /// The Runtime's annotation types, resolved once per compilation. When the Runtime is not referenced (and no
    /// consumer declares the attributes) <see cref="TryCreate"/> returns null and the analyzer registers nothing.
    /// </summary>
    internal sealed partial class KnownSymbols
    {
        public const string RuntimeNamespace = "KernelDiscipline.Runtime";

        private readonly ConcurrentDictionary<IMethodSymbol, MethodAnnotation> annotations =
            new ConcurrentDictionary<IMethodSymbol, MethodAnnotation>(SymbolEqualityComparer.Default);

        /// <summary>Made once: a method group passed to GetOrAdd would allocate a delegate per look-up.</summary>
        private readonly Func<IMethodSymbol, MethodAnnotation> readAnnotation;

        private KnownSymbols(Compilation compilation, INamedTypeSymbol fallible, INamedTypeSymbol acquires, INamedTypeSymbol releases)
        {
            readAnnotation = Read;
            Fallible = fallible;
            Acquires = acquires;
            Releases = releases;
            // The Runtime's types are looked up in the Runtime alone: a compilation-wide look-up searches every
            // referenced assembly (over a hundred in a framework project), a cost paid again with each new compilation.
            var runtime = fallible.ContainingAssembly;
            INamedTypeSymbol? RuntimeType(string name) => runtime.GetTypeByMetadataName(RuntimeNamespace + "." + name);
            TryAcquires = RuntimeType("TryAcquiresAttribute");
            MightSleep = RuntimeType("MightSleepAttribute");
            FollFlags = RuntimeType("FollFlagsAttribute");
            LocklessSnapshot = RuntimeType("LocklessSnapshotAttribute");
            Revalidates = RuntimeType("RevalidatesAttribute");
            WritesPageTable = RuntimeType("WritesPageTableAttribute");
            FollPages = RuntimeType("FollPagesAttribute");
            Charges = RuntimeType("ChargesAttribute");
            Uncharges = RuntimeType("UnchargesAttribute");
            VmFault = RuntimeType("VmFault");
            Errno = RuntimeType("Errno");
            ReturnsErrno = RuntimeType("ReturnsErrnoAttribute");
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            DoesNotReturn = compilation.GetTypeByMetadataName("System.Diagnostics.CodeAnalysis.DoesNotReturnAttribute");
            DoesNotReturnIf = compilation.GetTypeByMetadataName("System.Diagnostics.CodeAnalysis.DoesNotReturnIfAttribute");
            EagainValue = ReadConstant(Errno, "EAGAIN") ?? 11;
            VmFaultErrorMask = ReadEnumMask(VmFault, "Oom", "SigBus", "HwPoison", "SigSegv");
            LockClassAttribute = RuntimeType("LockClassAttribute");
            Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
            ThreadingLock = compilation.GetTypeByMetadataName("System.Threading.Lock");
            TicketLock = RuntimeType("TicketLock");
            ThreadingLockScope = ThreadingLock?.GetTypeMembers("Scope").FirstOrDefault();
            LockClasses = ReadDeclarations(compilation, RuntimeType("LockClassDeclarationAttribute"));
            ReadContractTypes(RuntimeType);
            this.compilation = compilation;
        }

        /// <summary>
        /// The class declarations of this assembly and every referenced one: the same attributes the Runtime's lockdep
        /// reads, so the static and the runtime order cannot disagree.
        /// </summary>
        private static ImmutableDictionary<string, LockClassInfo> ReadDeclarations(Compilation compilation, INamedTypeSymbol? declaration)
        {
            var result = ImmutableDictionary.CreateBuilder<string, LockClassInfo>(System.StringComparer.Ordinal);
            if (declaration is null)
            {
                return result.ToImmutable();
            }

            // Only an assembly built on the Runtime can declare a class: the others' attributes are not decoded.
            var assemblies = new System.Collections.Generic.List<IAssemblySymbol> { compilation.Assembly };
            assemblies.AddRange(BuiltOn(compilation, declaration.ContainingAssembly));
            foreach (var assembly in assemblies)
            {
                foreach (var attribute in assembly.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, declaration) &&
                        attribute.ConstructorArguments.Length == 3 &&
                        attribute.ConstructorArguments[0].Value is string name &&
                        attribute.ConstructorArguments[1].Value is int kind &&
                        attribute.ConstructorArguments[2].Value is int rank)
                    {
                        result[name] = new LockClassInfo(name, sleeping: kind == 0, rank);
                    }
                }
            }

            return result.ToImmutable();
        }

        /// <summary>
        /// A call on one of .NET's locks (Monitor, System.Threading.Lock, SemaphoreSlim, ReaderWriterLockSlim, SpinLock,
        /// Mutex) whose object opts in: a [LockClass] on its member or type, or an annotation that names it.
        /// </summary>
        public bool IsOptedInLockCall(IMethodSymbol method, Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax call, SemanticModel model, System.Threading.CancellationToken cancellation)
        {
            var receiver = call.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access ? access.Expression : null;
            var receiverType = receiver is null || method.IsStatic ? null : model.GetTypeInfo(receiver, cancellation).Type;
            var lockCall = DotNet.Classify(method, receiverType);
            if (lockCall is null)
            {
                return false;
            }

            Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax? target = lockCall.Target < 0 ? receiver
                : call.ArgumentList.Arguments.Count > lockCall.Target ? call.ArgumentList.Arguments[lockCall.Target].Expression : null;
            if (target is null)
            {
                return false;
            }

            var symbol = model.GetSymbolInfo(target, cancellation).Symbol;
            return LockClassOf(symbol) != null || LockClassOf(model.GetTypeInfo(target, cancellation).Type) != null || (symbol != null && IsNamedLock(symbol));
        }

        /// <summary>The [LockClass] named on a field, property, parameter, local's type, or on a type itself.</summary>
        public string? LockClassOf(ISymbol? symbol)
        {
            if (symbol is null || LockClassAttribute is null)
            {
                return null;
            }

            foreach (var attribute in symbol.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, LockClassAttribute) &&
                    attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name)
                {
                    return name;
                }
            }

            return symbol is ITypeSymbol type && type.BaseType != null ? LockClassOf(type.BaseType) : null;
        }

        public INamedTypeSymbol Fallible { get; }

        public INamedTypeSymbol Acquires { get; }

        public INamedTypeSymbol Releases { get; }

        public INamedTypeSymbol? TryAcquires { get; }

        public INamedTypeSymbol? MightSleep { get; }

        /// <summary>[FollFlags] and [FollPages]: the GUP contract KD303 checks.</summary>
        public INamedTypeSymbol? FollFlags { get; }

        public INamedTypeSymbol? FollPages { get; }

        /// <summary>KD302: [Charges] and [Uncharges].</summary>
        public INamedTypeSymbol? Charges { get; }

        public INamedTypeSymbol? Uncharges { get; }

        /// <summary>KD305: [LocklessSnapshot], [Revalidates], [WritesPageTable].</summary>
        public INamedTypeSymbol? LocklessSnapshot { get; }

        public INamedTypeSymbol? Revalidates { get; }

        public INamedTypeSymbol? WritesPageTable { get; }

        public INamedTypeSymbol? LockClassAttribute { get; }

        /// <summary>System.Threading.Monitor: what a <c>lock</c> statement on an object compiles to.</summary>
        public INamedTypeSymbol? Monitor { get; }

        /// <summary>The Runtime's spinning lock: held, it makes the context atomic whatever its class (KD203).</summary>
        public INamedTypeSymbol? TicketLock { get; }

        /// <summary>System.Threading.Lock (.NET 9+) and its Scope, what <c>lock</c> on a Lock compiles to.</summary>
        public INamedTypeSymbol? ThreadingLock { get; }

        public INamedTypeSymbol? ThreadingLockScope { get; }

        private readonly Compilation compilation;

        private DotNetLocks? dotNet;

        /// <summary>.NET's own lock types and blocking waits, resolved on first use (most compilations analyse no body that needs them).</summary>
        public DotNetLocks DotNet => dotNet ?? System.Threading.Interlocked.CompareExchange(ref dotNet, new DotNetLocks(compilation), null) ?? dotNet!;

        /// <summary>Every declared lock class (Runtime and consumer), by name: its kind and rank.</summary>
        public ImmutableDictionary<string, LockClassInfo> LockClasses { get; }

        public INamedTypeSymbol? VmFault { get; }

        public INamedTypeSymbol? Errno { get; }

        public INamedTypeSymbol Disposable { get; }

        public INamedTypeSymbol? DoesNotReturn { get; }

        public INamedTypeSymbol? DoesNotReturnIf { get; }

        /// <summary>The VmFault bits that mean the fault failed (<c>VM_FAULT_ERROR</c>).</summary>
        public long VmFaultErrorMask { get; }

        /// <summary>The value of Errno.EAGAIN (11).</summary>
        public int EagainValue { get; }

        public static KnownSymbols? TryCreate(Compilation compilation)
        {
            var fallible = compilation.GetTypeByMetadataName(RuntimeNamespace + ".FallibleAttribute");
            var acquires = compilation.GetTypeByMetadataName(RuntimeNamespace + ".AcquiresAttribute");
            var releases = compilation.GetTypeByMetadataName(RuntimeNamespace + ".ReleasesAttribute");
            if (fallible is null || acquires is null || releases is null)
            {
                return null;
            }

            return new KnownSymbols(compilation, fallible, acquires, releases);
        }

        /// <summary>The referenced assemblies that are the Runtime or reference it: the only ones that can annotate a method or declare a lock class.</summary>
        private static System.Collections.Generic.IEnumerable<IAssemblySymbol> BuiltOn(Compilation compilation, IAssemblySymbol runtime)
        {
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (SymbolEqualityComparer.Default.Equals(assembly, runtime) ||
                    assembly.Modules.Any(module => module.ReferencedAssemblySymbols.Contains(runtime, SymbolEqualityComparer.Default)))
                {
                    yield return assembly;
                }
            }
        }

        /// <summary>
        /// The simple names of every annotated method visible here: the Runtime's, those of referenced assemblies
        /// built on it, and those declared in source with one of the attributes. A call whose name is not in the
        /// set cannot be tracked, so it is never bound: bodies without tracked calls cost the analyzer nothing.
        /// </summary>
        public ImmutableHashSet<string> TrackedMethodNames(Compilation compilation, System.Threading.CancellationToken cancellation) =>
            TrackedNames(compilation, cancellation).Methods;

        /// <summary>
        /// The names the analyzer binds: annotated methods (as <see cref="TrackedMethodNames"/>), and guarded members
        /// ([GuardedBy], [PtGuardedBy], a property with a lock contract) whose reference makes a body worth analysing.
        /// One walk of the declarations.
        /// </summary>
        public (ImmutableHashSet<string> Methods, ImmutableHashSet<string> Guarded) TrackedNames(Compilation compilation, System.Threading.CancellationToken cancellation)
        {
            var names = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
            var guarded = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
            foreach (var assembly in BuiltOn(compilation, Fallible.ContainingAssembly))
            {
                AddAnnotatedNames(assembly.GlobalNamespace, names, guarded, cancellation);
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                AddDeclaredAnnotatedNames(tree.GetRoot(cancellation), names, guarded);
            }

            // .NET's lock calls: Monitor, System.Threading.Lock, SemaphoreSlim, ReaderWriterLockSlim, SpinLock, Mutex.
            names.UnionWith(DotNetLocks.CallNames);

            return (names.ToImmutable(), guarded.ToImmutable());
        }

        private static readonly ImmutableHashSet<string> AnnotationNames = ImmutableHashSet.Create(System.StringComparer.Ordinal,
            "Fallible", "Acquires", "Releases", "TryAcquires", "MightSleep", "Charges", "Uncharges", "LocklessSnapshot", "Revalidates", "WritesPageTable",
            "MustHold", "MustNotHold");

        /// <summary>Annotations on a parameter that make its method tracked, as <see cref="Read"/> reads them (KD302, KD303).</summary>
        private static readonly ImmutableHashSet<string> ParameterAnnotationNames = ImmutableHashSet.Create(System.StringComparer.Ordinal,
            "Charges", "Uncharges", "FollFlags", "FollPages");

        private static readonly ImmutableHashSet<string> GuardNames = ImmutableHashSet.Create(System.StringComparer.Ordinal,
            "GuardedBy", "PtGuardedBy", "MustHold", "MustNotHold");

        private void AddAnnotatedNames(INamespaceOrTypeSymbol container, ImmutableHashSet<string>.Builder names, ImmutableHashSet<string>.Builder guarded,
            System.Threading.CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested)
                {
                    AddAnnotatedNames(nested, names, guarded, cancellation);
                }
                else if (member is IMethodSymbol method && (Annotation(method).IsTracked || IsCrashingAssertion(method) || HasCallerContract(method)))
                {
                    names.Add(method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name); // a guard is created by its type's name
                }
                else if (member is IFieldSymbol or IPropertySymbol && member.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal &&
                    (GuardOf(member) != null || (member is IPropertySymbol property && ((property.GetMethod is { } get && HasCallerContract(get)) || (property.SetMethod is { } set && HasCallerContract(set))))))
                {
                    guarded.Add(member.Name); // another assembly's private state is not reachable from here
                }
            }
        }

        /// <summary>A [MustHold] or [MustNotHold] its callers must honour.</summary>
        public bool HasCallerContract(IMethodSymbol method) => ContractOf(method) is { } contract && (contract.MustHold.Count > 0 || contract.MustNotHold.Count > 0);

        /// <summary>Source methods carrying one of the attributes, found on syntax without descending into bodies.</summary>
        private static void AddDeclaredAnnotatedNames(Microsoft.CodeAnalysis.SyntaxNode root, ImmutableHashSet<string>.Builder names, ImmutableHashSet<string>.Builder guarded)
        {
            foreach (var node in root.DescendantNodes(n => n is not (Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.BasePropertyDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.BaseFieldDeclarationSyntax)))
            {
                if (node is Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax field && field.AttributeLists.Count > 0 && HasAnnotation(field.AttributeLists, GuardNames))
                {
                    foreach (var variable in field.Declaration.Variables)
                    {
                        guarded.Add(variable.Identifier.ValueText);
                    }
                }
                else if (node is Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property && (HasAnnotation(property.AttributeLists, GuardNames) ||
                    (property.AccessorList is { } accessors && System.Linq.Enumerable.Any(accessors.Accessors, accessor => HasAnnotation(accessor.AttributeLists, GuardNames)))))
                {
                    guarded.Add(property.Identifier.ValueText);
                }
                else if (node is Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax method &&
                    ((method.AttributeLists.Count > 0 && HasAnnotation(method.AttributeLists, AnnotationNames)) || HasParameterAnnotation(method.ParameterList)))
                {
                    names.Add(method switch
                    {
                        Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax named => named.Identifier.ValueText,
                        Microsoft.CodeAnalysis.CSharp.Syntax.ConstructorDeclarationSyntax constructor => constructor.Identifier.ValueText,
                        _ => ".ctor",
                    });
                }
            }
        }

        /// <summary>A consumer's wrapper whose parameters carry the contract (<c>[FollFlags] GupFlags flags</c>): its calls are tracked too.</summary>
        private static bool HasParameterAnnotation(Microsoft.CodeAnalysis.CSharp.Syntax.ParameterListSyntax parameters)
        {
            foreach (var parameter in parameters.Parameters)
            {
                if (parameter.AttributeLists.Count > 0 && HasAnnotation(parameter.AttributeLists, ParameterAnnotationNames))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasAnnotation(Microsoft.CodeAnalysis.SyntaxList<Microsoft.CodeAnalysis.CSharp.Syntax.AttributeListSyntax> lists, ImmutableHashSet<string> annotationNames)
        {
            foreach (var list in lists)
            {
                foreach (var attribute in list.Attributes)
                {
                    string name = attribute.Name switch
                    {
                        Microsoft.CodeAnalysis.CSharp.Syntax.QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                        Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax simple => simple.Identifier.ValueText,
                        _ => attribute.Name.ToString(),
                    };
                    if (name.EndsWith("Attribute", System.StringComparison.Ordinal))
                    {
                        name = name.Substring(0, name.Length - "Attribute".Length);
                    }

                    if (annotationNames.Contains(name))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        public MethodAnnotation Annotation(IMethodSymbol method) =>
            annotations.GetOrAdd(method.OriginalDefinition, readAnnotation);

        /// <summary>A Runtime assertion that crashes when its argument is true (<c>Kernel.BugOn</c>: [DoesNotReturnIf(true)]).</summary>
        public bool IsCrashingAssertion(IMethodSymbol method)
        {
            if (!SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, Fallible.ContainingAssembly))
            {
                return false;
            }

            foreach (var parameter in method.Parameters)
            {
                if (DoesNotReturnIfValue(parameter) == true)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether a method is marked [DoesNotReturn] (Environment.FailFast and friends).</summary>
        public bool NeverReturns(IMethodSymbol method) => DoesNotReturn != null && Has(method.GetAttributes(), DoesNotReturn);

        /// <summary>The [DoesNotReturnIf(value)] value of a parameter, if any (Kernel.BugOn: true; Debug.Assert: false).</summary>
        public bool? DoesNotReturnIfValue(IParameterSymbol parameter)
        {
            if (DoesNotReturnIf is null)
            {
                return null;
            }

            foreach (var attribute in parameter.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, DoesNotReturnIf) &&
                    attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is bool value)
                {
                    return value;
                }
            }

            return null;
        }

        private static bool Has(ImmutableArray<AttributeData> attributes, INamedTypeSymbol type)
        {
            foreach (var attribute in attributes)
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, type))
                {
                    return true;
                }
            }

            return false;
        }

        private static int? ReadConstant(INamedTypeSymbol? type, string name)
        {
            if (type is null)
            {
                return null;
            }

            foreach (var member in type.GetMembers(name))
            {
                if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int value })
                {
                    return value;
                }
            }

            return null;
        }

        private static string? TargetOf(AttributeData attribute)
        {
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "Target" && named.Value.Value is int target)
                {
                    // LockTarget: Default = 0, Receiver = 1, ReturnValue = 2, Arguments = 3.
                    return target switch
                    {
                        1 => "Receiver",
                        2 => "ReturnValue",
                        3 => "Arguments",
                        4 => "Scope",
                        _ => null,
                    };
                }
            }

            return null;
        }

        private MethodAnnotation Read(IMethodSymbol method)
        {
            MethodAnnotation? result = null;
            foreach (var attribute in method.GetAttributes())
            {
                var type = attribute.AttributeClass;
                if (type is null)
                {
                    continue;
                }

                if (SymbolEqualityComparer.Default.Equals(type, Fallible))
                {
                    (result ??= new MethodAnnotation()).Fallible = true;
                }
                else if (SymbolEqualityComparer.Default.Equals(type, Acquires))
                {
                    result ??= new MethodAnnotation();
                    string target = TargetOf(attribute) ?? (method.ReturnsVoid ? "Receiver" : "ReturnValue");
                    result.AcquiredClass = ClassOf(attribute);
                    result.Nested |= NamedBool(attribute, "Nested");
                    result.Shared |= NamedBool(attribute, "Shared");
                    if (target == "Scope" || method.MethodKind == MethodKind.Constructor)
                    {
                        // A scoped guard: the receiver (a constructor's lock arguments) held until the guard is disposed.
                        result.Other = true;
                        result.AcquiresScope = true;
                        result.AcquiresReceiver = method.MethodKind != MethodKind.Constructor;
                        result.AcquiresArguments = method.MethodKind == MethodKind.Constructor;
                    }
                    else if (target == "ReturnValue" && !method.ReturnsVoid)
                    {
                        result.AcquiresReturn = true;
                        if (NamedString(attribute, "Returns") is { } returns)
                        {
                            ReadReturnedLock(method, returns, result);
                        }
                    }
                    else
                    {
                        result.Other = true;
                        result.AcquiresArguments = target == "Arguments";
                        result.AcquiresReceiver = target != "Arguments";
                    }

                    if (!result.AcquiresReturn && NamedString(attribute, "Returns") != null)
                    {
                        result.ReturnedError = method.ReturnsVoid
                            ? "Returns names the lock a method returns, and this method returns nothing; remove Returns"
                            : "Returns names the lock a method returns, and this [Acquires] does not acquire its return value: add Target = LockTarget.ReturnValue, or remove Returns";
                    }
                }
                else if (SymbolEqualityComparer.Default.Equals(type, Releases))
                {
                    result ??= new MethodAnnotation();
                    result.ReleasedClass = ClassOf(attribute);
                    result.Shared |= NamedBool(attribute, "Shared");
                    if (TargetOf(attribute) == "Arguments")
                    {
                        result.ReleasesArguments = true;
                    }
                    else
                    {
                        result.ReleasesReceiver = true;
                    }
                }
                else if (SymbolEqualityComparer.Default.Equals(type, TryAcquires))
                {
                    result ??= new MethodAnnotation();
                    result.Other = true;
                    result.TryAcquiresReceiver = true;
                    result.AcquiredClass = ClassOf(attribute);
                    result.Shared |= NamedBool(attribute, "Shared");
                    foreach (var named in attribute.NamedArguments)
                    {
                        if (named.Key == "SuccessValue" && named.Value.Value is bool success)
                        {
                            result.TrySuccessValue = success;
                        }
                    }
                }
                else if (LocklessSnapshot != null && SymbolEqualityComparer.Default.Equals(type, LocklessSnapshot))
                {
                    result ??= new MethodAnnotation();
                    result.Other = true;
                    result.Snapshot = true;
                }
                else if (Revalidates != null && SymbolEqualityComparer.Default.Equals(type, Revalidates))
                {
                    result ??= new MethodAnnotation();
                    result.Revalidates = true;
                }
                else if (WritesPageTable != null && SymbolEqualityComparer.Default.Equals(type, WritesPageTable))
                {
                    result ??= new MethodAnnotation();
                    result.WritesPageTable = true;
                }
                else if (Charges != null && SymbolEqualityComparer.Default.Equals(type, Charges))
                {
                    result ??= new MethodAnnotation();
                    result.Other = true;
                    result.ChargesReceiver = ReadCharge(attribute, method.ContainingType);
                }
                else if (Uncharges != null && SymbolEqualityComparer.Default.Equals(type, Uncharges))
                {
                    result ??= new MethodAnnotation();
                    result.Other = true;
                    result.UnchargesReceiver = ClassOf(attribute);
                }
                else if (SymbolEqualityComparer.Default.Equals(type, MightSleep))
                {
                    result ??= new MethodAnnotation();
                    result.Other = true;
                    result.MightSleep = true;
                }
            }

            foreach (var attribute in method.GetReturnTypeAttributes())
            {
                if (Charges != null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Charges) && !method.ReturnsVoid)
                {
                    (result ??= new MethodAnnotation()).ChargesReturn = ReadCharge(attribute, method.ReturnType);
                }
            }

            // A get_user_pages-style API: its FOLL flags and pages parameters (KD303); charged arguments (KD302).
            foreach (var parameter in method.Parameters)
            {
                foreach (var attribute in parameter.GetAttributes())
                {
                    if (Charges != null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Charges))
                    {
                        result ??= new MethodAnnotation();
                        result.Other = true;
                        result.ChargesArgument = ReadCharge(attribute, parameter.Type);
                        result.ChargedOrdinal = parameter.Ordinal;
                    }
                    else if (Uncharges != null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Uncharges))
                    {
                        result ??= new MethodAnnotation();
                        result.Other = true;
                        result.UnchargesArgument = ClassOf(attribute);
                        result.UnchargedOrdinal = parameter.Ordinal;
                    }

                    if (FollFlags != null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, FollFlags))
                    {
                        result ??= new MethodAnnotation();
                        result.Other = true;
                        result.FollFlagsOrdinal = parameter.Ordinal;
                        foreach (var named in attribute.NamedArguments)
                        {
                            if (named.Key == "Implied" && named.Value.Value is int implied)
                            {
                                result.ImpliedFollFlags = implied;
                            }
                        }
                    }
                    else if (FollPages != null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, FollPages))
                    {
                        result ??= new MethodAnnotation();
                        result.Other = true;
                        result.FollPagesOrdinal = parameter.Ordinal;
                    }
                }
            }

            if (result is null)
            {
                return MethodAnnotation.None;
            }

            if (result.Fallible || result.AcquiresReturn)
            {
                result.ReleaseMethodName = FindReleaseMethod(method.ReturnType, result.AcquiredClass);
                result.ReturnsLock = result.AcquiresReturn && IsLockType(method.ReturnType);
            }

            return result;
        }

        /// <summary>
        /// The parameterless [Releases] method of a returned resource: the one that releases exactly the acquired class
        /// (PteMap.Unlock for MapLock's ptl), else one that releases whatever is held (PteMap.Dispose for a lockless map).
        /// </summary>
        private string? FindReleaseMethod(ITypeSymbol type, string? acquiredClass)
        {
            string? releasesAll = null;
            for (var current = type as INamedTypeSymbol; current != null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is not IMethodSymbol { DeclaredAccessibility: Accessibility.Public, IsStatic: false } candidate ||
                        !AllParametersOptional(candidate))
                    {
                        continue;
                    }

                    foreach (var attribute in candidate.GetAttributes())
                    {
                        if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Releases))
                        {
                            continue;
                        }

                        string? released = ClassOf(attribute);
                        if (released != null && released == acquiredClass)
                        {
                            return candidate.Name;
                        }

                        if (released is null)
                        {
                            releasesAll ??= candidate.Name;
                        }
                    }
                }
            }

            return releasesAll;
        }

        /// <summary>Whether a type can be locked itself: it has a public method that acquires its receiver (<c>TicketLock.Lock()</c>).</summary>
        private bool IsLockType(ITypeSymbol type)
        {
            for (var current = type as INamedTypeSymbol; current != null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IMethodSymbol { DeclaredAccessibility: Accessibility.Public, IsStatic: false, ReturnsVoid: true } candidate)
                    {
                        foreach (var attribute in candidate.GetAttributes())
                        {
                            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Acquires) && TargetOf(attribute) is null or "Receiver")
                            {
                                return true;
                            }
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>The lock [Acquires(Returns = expression)] names, resolved as a contract's lock expression, of the returned type.</summary>
        private void ReadReturnedLock(IMethodSymbol method, string expression, MethodAnnotation result)
        {
            var (id, error) = ResolveLock(expression, method, method);
            var lockType = id is { Kind: CapabilityKind.This } ? method.ContainingType : TypeOf(id?.Symbol);
            if (error is null && lockType != null && !SymbolEqualityComparer.Default.Equals(
                lockType.WithNullableAnnotation(NullableAnnotation.NotAnnotated), method.ReturnType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)))
            {
                error = $"'{expression}' is of type {lockType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} and the method returns {method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}: the returned lock cannot be it";
            }

            result.ReturnedLock = error is null ? id : null;
            result.ReturnedError = error;
            if (result.ReturnedLock?.Symbol is { } named && result.AcquiredClass is null)
            {
                result.AcquiredClass = LockClassOf(named) ?? LockClassOf(lockType); // the class of the lock it names
            }
        }

        private static string? NamedString(AttributeData attribute, string name)
        {
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is string value)
                {
                    return value;
                }
            }

            return null;
        }

        private static bool NamedBool(AttributeData attribute, string name)
        {
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is bool value)
                {
                    return value;
                }
            }

            return false;
        }

        private static string? ClassOf(AttributeData attribute) =>
            attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;

        private static bool AllParametersOptional(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (!parameter.IsOptional)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
