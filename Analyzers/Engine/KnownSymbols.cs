using System.Collections.Concurrent;
using System.Collections.Immutable;
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
        public bool IsTracked => Fallible || AcquiresReturn || ReleasesReceiver || ReleasesArguments || Other;

        /// <summary>Some other annotation the lock rules read ([Acquires] on the receiver, [TryAcquires], [MightSleep]).</summary>
        public bool Other { get; set; }

        /// <summary>The lock class named by [Acquires] on the return value, if any.</summary>
        public string? AcquiredClass { get; set; }

        /// <summary>For a returned resource: the name of the method that releases it (Unlock, or Dispose for a lockless map).</summary>
        public string? ReleaseMethodName { get; set; }
    }

    /// <summary>
    /// The Runtime's annotation types, resolved once per compilation. When the Runtime is not referenced (and no
    /// consumer declares the attributes) <see cref="TryCreate"/> returns null and the analyzer registers nothing.
    /// </summary>
    internal sealed class KnownSymbols
    {
        public const string RuntimeNamespace = "KernelDiscipline.Runtime";

        private readonly ConcurrentDictionary<IMethodSymbol, MethodAnnotation> annotations =
            new ConcurrentDictionary<IMethodSymbol, MethodAnnotation>(SymbolEqualityComparer.Default);

        private KnownSymbols(Compilation compilation, INamedTypeSymbol fallible, INamedTypeSymbol acquires, INamedTypeSymbol releases)
        {
            Fallible = fallible;
            Acquires = acquires;
            Releases = releases;
            TryAcquires = compilation.GetTypeByMetadataName(RuntimeNamespace + ".TryAcquiresAttribute");
            MightSleep = compilation.GetTypeByMetadataName(RuntimeNamespace + ".MightSleepAttribute");
            VmFault = compilation.GetTypeByMetadataName(RuntimeNamespace + ".VmFault");
            Errno = compilation.GetTypeByMetadataName(RuntimeNamespace + ".Errno");
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            DoesNotReturn = compilation.GetTypeByMetadataName("System.Diagnostics.CodeAnalysis.DoesNotReturnAttribute");
            DoesNotReturnIf = compilation.GetTypeByMetadataName("System.Diagnostics.CodeAnalysis.DoesNotReturnIfAttribute");
            EagainValue = ReadConstant(Errno, "EAGAIN") ?? 11;
        }

        public INamedTypeSymbol Fallible { get; }

        public INamedTypeSymbol Acquires { get; }

        public INamedTypeSymbol Releases { get; }

        public INamedTypeSymbol? TryAcquires { get; }

        public INamedTypeSymbol? MightSleep { get; }

        public INamedTypeSymbol? VmFault { get; }

        public INamedTypeSymbol? Errno { get; }

        public INamedTypeSymbol Disposable { get; }

        public INamedTypeSymbol? DoesNotReturn { get; }

        public INamedTypeSymbol? DoesNotReturnIf { get; }

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

        public MethodAnnotation Annotation(IMethodSymbol method) =>
            annotations.GetOrAdd(method.OriginalDefinition, Read);

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
                    if (target == "ReturnValue" && !method.ReturnsVoid)
                    {
                        result.AcquiresReturn = true;
                        result.AcquiredClass = ClassOf(attribute);
                    }
                    else
                    {
                        result.Other = true;
                    }
                }
                else if (SymbolEqualityComparer.Default.Equals(type, Releases))
                {
                    result ??= new MethodAnnotation();
                    if (TargetOf(attribute) == "Arguments")
                    {
                        result.ReleasesArguments = true;
                    }
                    else
                    {
                        result.ReleasesReceiver = true;
                    }
                }
                else if (SymbolEqualityComparer.Default.Equals(type, TryAcquires) || SymbolEqualityComparer.Default.Equals(type, MightSleep))
                {
                    (result ??= new MethodAnnotation()).Other = true;
                }
            }

            if (result is null)
            {
                return MethodAnnotation.None;
            }

            if (result.Fallible || result.AcquiresReturn)
            {
                result.ReleaseMethodName = FindReleaseMethod(method.ReturnType, result.AcquiredClass);
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
