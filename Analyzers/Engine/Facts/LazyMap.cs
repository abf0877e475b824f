using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A dictionary that exists only once something is stored, and is copied only when written after a clone: most of
    /// the engine's per-block collections are empty on most blocks, and the rest are copied on every block but written
    /// on few. Copying them eagerly was most of the engine's allocation and a fifth of its time. Held in fields (never
    /// readonly, never copied) so that its mutating members act on the field itself; the default value is an empty map.
    /// </summary>
    internal struct LazyMap<TKey, TValue>
        where TKey : notnull
    {
        /// <summary>Symbols compare as Roslyn says they should (RS1024); strings, paths and capture ids by value.</summary>
        private static readonly IEqualityComparer<TKey>? KeyComparer =
            typeof(TKey) == typeof(ISymbol) ? (IEqualityComparer<TKey>)(object)SymbolEqualityComparer.Default :
            typeof(TKey) == typeof(string) ? (IEqualityComparer<TKey>)StringComparer.Ordinal : null;

        /// <summary>One reference, so that a map costs its holder 8 bytes (the engine copies its holders on every block).</summary>
        private Table? map;

        private LazyMap(Table map) => this.map = map;

        public int Count => map?.Count ?? 0;

        // The views below enumerate with the dictionary's struct enumerators: an IEnumerable would box one per loop,
        // and the engine loops over these maps on every edge.
        public Dictionary<TKey, TValue>.KeyCollection Keys => (map ?? Empty).Keys;

        public Dictionary<TKey, TValue>.ValueCollection Values => (map ?? Empty).Values;

        public PairView Pairs => new PairView(map ?? Empty);

        public TValue this[TKey key]
        {
            set => Writable()[key] = value;
        }

        public bool TryGetValue(TKey key, out TValue value)
        {
            if (map != null && map.TryGetValue(key, out value!))
            {
                return true;
            }

            value = default!;
            return false;
        }

        public bool ContainsKey(TKey key) => map != null && map.ContainsKey(key);

        public bool Remove(TKey key) => map != null && map.ContainsKey(key) && Writable().Remove(key);

        /// <summary>A copy that shares nothing mutable: both sides share the dictionary until one of them writes.</summary>
        public LazyMap<TKey, TValue> Clone()
        {
            if (map is not { Count: > 0 })
            {
                return default;
            }

            map.Shared = true;
            return new LazyMap<TKey, TValue>(map);
        }

        /// <summary>The keys, copied, for loops that remove while they go.</summary>
        public TKey[] KeyList()
        {
            if (map is not { Count: > 0 })
            {
                return Array.Empty<TKey>();
            }

            var keys = new TKey[map.Count];
            map.Keys.CopyTo(keys, 0);
            return keys;
        }

        private Table Writable()
        {
            if (map is null || map.Shared)
            {
                map = map is null ? new Table() : new Table(map);
            }

            return map;
        }

        /// <summary>What an absent map enumerates; never written (<see cref="Writable"/> makes a table of its own).</summary>
        private static readonly Table Empty = new Table();

        /// <summary>The pairs of a map, for foreach only.</summary>
        public readonly struct PairView
        {
            private readonly Dictionary<TKey, TValue> table;

            public PairView(Dictionary<TKey, TValue> table) => this.table = table;

            public Dictionary<TKey, TValue>.Enumerator GetEnumerator() => table.GetEnumerator();
        }

        /// <summary>The dictionary, and whether another map (a clone's or the original's) may see it: then it is copied before a write.</summary>
        private sealed class Table : Dictionary<TKey, TValue>
        {
            public Table()
                : base(KeyComparer)
            {
            }

            public Table(Table from)
                : base(from, KeyComparer)
            {
            }

            public bool Shared { get; set; }
        }
    }
}
