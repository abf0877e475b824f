using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>The joins and forgetting that several tables share.</summary>
    internal static class TableJoins
    {
        /// <summary>Keeps the entries both sides agree on (equal values); true when one went.</summary>
        public static bool KeepAgreed<TKey, TValue>(ref LazyMap<TKey, TValue> mine, in LazyMap<TKey, TValue> theirs)
            where TKey : notnull
        {
            // Joins run on every edge and mostly change nothing: look first, allocate only for what goes.
            List<TKey>? gone = null;
            foreach (var pair in mine.Pairs)
            {
                if (!theirs.TryGetValue(pair.Key, out var other) || !EqualityComparer<TValue>.Default.Equals(pair.Value, other))
                {
                    (gone ??= new List<TKey>()).Add(pair.Key);
                }
            }

            if (gone is null)
            {
                return false;
            }

            foreach (var key in gone)
            {
                mine.Remove(key);
            }

            return true;
        }

        /// <summary>Drops the entries of variables <paramref name="dead"/> names.</summary>
        public static void ForgetDead<TValue>(ref LazyMap<ISymbol, TValue> map, DeadVariables dead)
        {
            List<ISymbol>? gone = null;
            foreach (var symbol in map.Keys)
            {
                if (dead.Contains(symbol))
                {
                    (gone ??= new List<ISymbol>()).Add(symbol);
                }
            }

            if (gone != null)
            {
                foreach (var symbol in gone)
                {
                    map.Remove(symbol);
                }
            }
        }

        /// <summary>Drops the entries of a region's locals.</summary>
        public static void ForgetLocals<TValue>(ref LazyMap<ISymbol, TValue> map, Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowRegion region)
        {
            if (map.Count == 0)
            {
                return;
            }

            foreach (var local in region.Locals)
            {
                map.Remove(local);
            }
        }
    }
}
