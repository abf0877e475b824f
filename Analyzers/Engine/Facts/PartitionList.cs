using System.Collections.Generic;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The partitions of a state, in the order they arrived. Almost every state has one (the normal paths), so the
    /// first is held inline: a dictionary per state was a tenth of the engine's allocation.
    /// </summary>
    internal struct PartitionList
    {
        private int firstKey;
        private FlowFacts? first;
        private List<KeyValuePair<int, FlowFacts>>? rest;

        public int Count => first is null ? 0 : 1 + (rest?.Count ?? 0);

        public bool TryGetValue(int key, out FlowFacts facts)
        {
            if (first != null && firstKey == key)
            {
                facts = first;
                return true;
            }

            int index = IndexInRest(key);
            facts = index >= 0 ? rest![index].Value : null!;
            return index >= 0;
        }

        public FlowFacts this[int key]
        {
            get => TryGetValue(key, out var facts) ? facts : throw new KeyNotFoundException();
            set
            {
                if (first is null || firstKey == key)
                {
                    firstKey = key;
                    first = value;
                    return;
                }

                int index = IndexInRest(key);
                if (index >= 0)
                {
                    rest![index] = new KeyValuePair<int, FlowFacts>(key, value);
                }
                else
                {
                    (rest ??= new List<KeyValuePair<int, FlowFacts>>(2)).Add(new KeyValuePair<int, FlowFacts>(key, value));
                }
            }
        }

        public bool Remove(int key)
        {
            if (first != null && firstKey == key)
            {
                if (rest is { Count: > 0 })
                {
                    firstKey = rest[0].Key;
                    first = rest[0].Value;
                    rest.RemoveAt(0);
                }
                else
                {
                    first = null;
                }

                return true;
            }

            int index = IndexInRest(key);
            if (index >= 0)
            {
                rest!.RemoveAt(index);
            }

            return index >= 0;
        }

        /// <summary>A copy of the pairs, for loops whose work may add partitions to this very list.</summary>
        public KeyValuePair<int, FlowFacts>[] ToArray()
        {
            var pairs = new KeyValuePair<int, FlowFacts>[Count];
            int i = 0;
            foreach (var pair in this)
            {
                pairs[i++] = pair;
            }

            return pairs;
        }

        public Enumerator GetEnumerator() => new Enumerator(firstKey, first, rest);

        private int IndexInRest(int key)
        {
            if (rest != null)
            {
                for (int i = 0; i < rest.Count; i++)
                {
                    if (rest[i].Key == key)
                    {
                        return i;
                    }
                }
            }

            return -1;
        }

        public struct Enumerator
        {
            private readonly int firstKey;
            private readonly FlowFacts? first;
            private readonly List<KeyValuePair<int, FlowFacts>>? rest;
            private int index;

            public Enumerator(int firstKey, FlowFacts? first, List<KeyValuePair<int, FlowFacts>>? rest)
            {
                this.firstKey = firstKey;
                this.first = first;
                this.rest = rest;
                index = -2;
            }

            public KeyValuePair<int, FlowFacts> Current => index == -1 ? new KeyValuePair<int, FlowFacts>(firstKey, first!) : rest![index];

            public bool MoveNext()
            {
                if (first is null)
                {
                    return false;
                }

                index++;
                return index == -1 || (rest != null && index < rest.Count);
            }
        }
    }
}
