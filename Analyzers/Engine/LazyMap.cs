using System;
using System.Collections.Generic;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A dictionary that exists only once something is stored: most of the engine's per-block collections are empty
    /// on most blocks, and copying empty dictionaries on every block was most of the engine's allocation. Held in
    /// fields (never readonly, never copied) so that its mutating members act on the field itself.
    /// </summary>
    internal struct LazyMap<TKey, TValue>
        where TKey : notnull
    {
        private readonly IEqualityComparer<TKey>? comparer;
        private Dictionary<TKey, TValue>? map;

        public LazyMap(IEqualityComparer<TKey>? comparer)
        {
            this.comparer = comparer;
            map = null;
        }

        private LazyMap(IEqualityComparer<TKey>? comparer, Dictionary<TKey, TValue>? map)
        {
            this.comparer = comparer;
            this.map = map;
        }

        public int Count => map?.Count ?? 0;

        public IEnumerable<TKey> Keys => map is null ? Array.Empty<TKey>() : map.Keys;

        public IEnumerable<TValue> Values => map is null ? Array.Empty<TValue>() : map.Values;

        public IEnumerable<KeyValuePair<TKey, TValue>> Pairs => map is null ? Array.Empty<KeyValuePair<TKey, TValue>>() : map;

        public TValue this[TKey key]
        {
            set => (map ??= new Dictionary<TKey, TValue>(comparer))[key] = value;
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

        public bool Remove(TKey key) => map != null && map.Remove(key);

        /// <summary>A copy that shares nothing mutable; an empty map copies to nothing.</summary>
        public LazyMap<TKey, TValue> Clone() =>
            new LazyMap<TKey, TValue>(comparer, map is { Count: > 0 } ? new Dictionary<TKey, TValue>(map, comparer) : null);

        /// <summary>The keys, copied, for loops that remove while they go.</summary>
        public List<TKey> KeyList() => map is null ? new List<TKey>() : new List<TKey>(map.Keys);
    }
}
