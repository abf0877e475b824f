using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A set of acquisition sites (by index): which acquired resources a value or a variable may be. The first 64
    /// sites live in one word; bodies with more sites (long generated or interpreter methods) use more words, so no
    /// site goes unfollowed. Immutable: copying a state copies references, never the words.
    /// </summary>
    internal readonly struct SiteSet : IEquatable<SiteSet>
    {
        public static readonly SiteSet Empty = default;

        private readonly ulong low;

        /// <summary>Words for sites 64 and up; null when there are none.</summary>
        private readonly ulong[]? high;

        private SiteSet(ulong low, ulong[]? high)
        {
            this.low = low;
            this.high = high;
        }

        public bool IsEmpty => low == 0 && high is null;

        public static SiteSet Of(int index)
        {
            if (index < 64)
            {
                return new SiteSet(1UL << index, null);
            }

            var words = new ulong[(index / 64)];
            words[(index / 64) - 1] = 1UL << (index % 64);
            return new SiteSet(0, words);
        }

        public bool Contains(int index) =>
            index < 64 ? (low & (1UL << index)) != 0 : high != null && (index / 64) - 1 < high.Length && (high[(index / 64) - 1] & (1UL << (index % 64))) != 0;

        public bool Overlaps(SiteSet other)
        {
            if ((low & other.low) != 0)
            {
                return true;
            }

            if (high is null || other.high is null)
            {
                return false;
            }

            for (int i = 0; i < Math.Min(high.Length, other.high.Length); i++)
            {
                if ((high[i] & other.high[i]) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        public SiteSet Union(SiteSet other)
        {
            if (other.high is null || ReferenceEquals(high, other.high))
            {
                return new SiteSet(low | other.low, high);
            }

            if (high is null)
            {
                return new SiteSet(low | other.low, other.high);
            }

            var longer = high.Length >= other.high.Length ? high : other.high;
            var shorter = ReferenceEquals(longer, high) ? other.high : high;
            var words = (ulong[])longer.Clone();
            for (int i = 0; i < shorter.Length; i++)
            {
                words[i] |= shorter[i];
            }

            return new SiteSet(low | other.low, words);
        }

        /// <summary>This set less one site.</summary>
        public SiteSet Without(int index)
        {
            if (!Contains(index))
            {
                return this;
            }

            if (index < 64)
            {
                return new SiteSet(low & ~(1UL << index), high);
            }

            var words = (ulong[])high!.Clone();
            words[(index / 64) - 1] &= ~(1UL << (index % 64));
            return new SiteSet(low, Array.TrueForAll(words, word => word == 0) ? null : words);
        }

        /// <summary>Whether every site of <paramref name="other"/> is in this set.</summary>
        public bool Covers(SiteSet other) => Union(other).Equals(this);

        public bool Equals(SiteSet other)
        {
            if (low != other.low)
            {
                return false;
            }

            if (ReferenceEquals(high, other.high))
            {
                return true;
            }

            int length = Math.Max(high?.Length ?? 0, other.high?.Length ?? 0);
            for (int i = 0; i < length; i++)
            {
                ulong mine = high != null && i < high.Length ? high[i] : 0;
                ulong theirs = other.high != null && i < other.high.Length ? other.high[i] : 0;
                if (mine != theirs)
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is SiteSet other && Equals(other);

        public override int GetHashCode() => low.GetHashCode();

        public Enumerator GetEnumerator() => new Enumerator(this);

        /// <summary>The indices of the set, in order, without allocating.</summary>
        public struct Enumerator
        {
            private readonly SiteSet set;
            private int word;
            private ulong rest;
            private int index;

            public Enumerator(SiteSet set)
            {
                this.set = set;
                word = 0;
                rest = set.low;
                index = -1;
            }

            public int Current => index;

            public bool MoveNext()
            {
                while (rest == 0)
                {
                    if (set.high is null || word >= set.high.Length)
                    {
                        return false;
                    }

                    rest = set.high[word++];
                }

                int bit = TrailingZeros(rest);
                rest &= rest - 1;
                index = (word * 64) + bit;
                return true;
            }

            private static int TrailingZeros(ulong value)
            {
                int count = 0;
                while ((value & 1) == 0)
                {
                    value >>= 1;
                    count++;
                }

                return count;
            }
        }
    }
}
