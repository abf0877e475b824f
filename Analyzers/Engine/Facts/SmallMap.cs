using System;
using System.Collections.Generic;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A map of a few entries kept as an array that is never changed once made: a copy of a state shares it, and a write
    /// makes a new array. The lockset holds a handful of locks on most paths and is written on every acquisition and
    /// release (a map's PTL included): copying a dictionary there was most of what the lockset cost. Look-ups are a
    /// scan, which beats hashing at these sizes (identities are mostly the same object, so equality is a reference test).
    /// </summary>
    internal struct SmallMap<TKey, TValue>
        where TKey : class, IEquatable<TKey>
    {
        private KeyValuePair<TKey, TValue>[]? items;

        public int Count => items?.Length ?? 0;

        public bool TryGetValue(TKey key, out TValue value)
        {
            int index = IndexOf(key);
            value = index >= 0 ? items![index].Value : default!;
            return index >= 0;
        }

        public bool ContainsKey(TKey key) => IndexOf(key) >= 0;

        public TValue this[TKey key]
        {
            set
            {
                int index = IndexOf(key);
                var next = new KeyValuePair<TKey, TValue>[index >= 0 ? items!.Length : Count + 1];
                if (items != null)
                {
                    Array.Copy(items, next, items.Length);
                }

                next[index >= 0 ? index : next.Length - 1] = new KeyValuePair<TKey, TValue>(key, value);
                items = next;
            }
        }

        public bool Remove(TKey key)
        {
            int index = IndexOf(key);
            if (index < 0)
            {
                return false;
            }

            if (items!.Length == 1)
            {
                items = null;
                return true;
            }

            var next = new KeyValuePair<TKey, TValue>[items.Length - 1];
            Array.Copy(items, 0, next, 0, index);
            Array.Copy(items, index + 1, next, index, items.Length - index - 1);
            items = next;
            return true;
        }

        /// <summary>A copy: the array is shared, as nothing ever writes to it.</summary>
        public SmallMap<TKey, TValue> Clone() => this;

        /// <summary>The entries as they are now: later writes to the map make new arrays and leave this one alone.</summary>
        public Entries Pairs => new Entries(items);

        public KeyView Keys => new KeyView(items);

        public ValueView Values => new ValueView(items);

        private int IndexOf(TKey key)
        {
            var entries = items;
            if (entries is null)
            {
                return -1;
            }

            for (int i = 0; i < entries.Length; i++)
            {
                if (ReferenceEquals(entries[i].Key, key))
                {
                    return i;
                }
            }

            for (int i = 0; i < entries.Length; i++)
            {
                if (entries[i].Key.Equals(key))
                {
                    return i;
                }
            }

            return -1;
        }

        public readonly struct Entries
        {
            private readonly KeyValuePair<TKey, TValue>[]? items;

            public Entries(KeyValuePair<TKey, TValue>[]? items) => this.items = items;

            public Enumerator GetEnumerator() => new Enumerator(items);
        }

        public readonly struct KeyView
        {
            private readonly KeyValuePair<TKey, TValue>[]? items;

            public KeyView(KeyValuePair<TKey, TValue>[]? items) => this.items = items;

            public KeyEnumerator GetEnumerator() => new KeyEnumerator(new Enumerator(items));
        }

        public readonly struct ValueView
        {
            private readonly KeyValuePair<TKey, TValue>[]? items;

            public ValueView(KeyValuePair<TKey, TValue>[]? items) => this.items = items;

            public ValueEnumerator GetEnumerator() => new ValueEnumerator(new Enumerator(items));
        }

        public struct Enumerator
        {
            private readonly KeyValuePair<TKey, TValue>[]? items;
            private int index;

            public Enumerator(KeyValuePair<TKey, TValue>[]? items)
            {
                this.items = items;
                index = -1;
            }

            public KeyValuePair<TKey, TValue> Current => items![index];

            public bool MoveNext() => items != null && ++index < items.Length;
        }

        public struct KeyEnumerator
        {
            private Enumerator inner;

            public KeyEnumerator(Enumerator inner) => this.inner = inner;

            public TKey Current => inner.Current.Key;

            public bool MoveNext() => inner.MoveNext();
        }

        public struct ValueEnumerator
        {
            private Enumerator inner;

            public ValueEnumerator(Enumerator inner) => this.inner = inner;

            public TValue Current => inner.Current.Value;

            public bool MoveNext() => inner.MoveNext();
        }
    }
}
