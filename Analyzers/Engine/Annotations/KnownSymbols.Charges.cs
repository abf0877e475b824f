using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD302's reading of the annotations: [Charges] declarations and the VmFault error bits.</summary>
    internal sealed partial class KnownSymbols
    {
        /// <summary>A [Charges]; its Undo is kept only if <paramref name="charged"/> has an instance method of that name (the fix calls it).</summary>
        private static ChargeSpec? ReadCharge(AttributeData attribute, ITypeSymbol? charged)
        {
            if (ClassOf(attribute) is not string resource)
            {
                return null;
            }

            var when = ChargeWhen.Always;
            string? undo = null;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "When" && named.Value.Value is int value)
                {
                    when = (ChargeWhen)value;
                }
                else if (named.Key == "Undo")
                {
                    undo = named.Value.Value as string;
                }
            }

            if (undo != null && !HasInstanceMethod(charged, undo))
            {
                undo = null; // a fix calling it would not compile: report without one
            }

            return new ChargeSpec(resource, when, undo);
        }

        private static bool HasInstanceMethod(ITypeSymbol? type, string name)
        {
            for (var current = type; current != null; current = current.BaseType)
            {
                if (current.GetMembers(name).Any(member => member is IMethodSymbol { IsStatic: false }))
                {
                    return true;
                }
            }

            return false;
        }

        private static long ReadEnumMask(INamedTypeSymbol? type, params string[] names)
        {
            long mask = 0;
            foreach (var name in names)
            {
                foreach (var member in type?.GetMembers(name) ?? ImmutableArray<ISymbol>.Empty)
                {
                    if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int value })
                    {
                        mask |= (uint)value;
                    }
                }
            }

            return mask;
        }
    }
}
