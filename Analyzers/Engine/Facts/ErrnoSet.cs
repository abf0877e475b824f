using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD304: the positive Errno constants a variable may hold here, each with where it was written (a may-set: the paths
    /// joined here bring theirs). Empty: none on any path. Bounded by the constants written in the body.
    /// </summary>
    internal readonly struct ErrnoSet : IEquatable<ErrnoSet>
    {
        public static readonly ErrnoSet Empty = default;

        private readonly ErrnoConstant[]? items;

        private ErrnoSet(ErrnoConstant[] items) => this.items = items;

        public static ErrnoSet Of(ErrnoConstant constant) => new ErrnoSet(new[] { constant });

        public bool IsEmpty => items is null;

        /// <summary>The constants (not to be written to).</summary>
        public ErrnoConstant[] Items => items ?? Array.Empty<ErrnoConstant>();

        /// <summary>What either side may hold.</summary>
        public ErrnoSet Union(ErrnoSet other)
        {
            if (other.items is null || Contains(other.items))
            {
                return this;
            }

            if (items is null || other.Contains(items))
            {
                return other;
            }

            var union = new System.Collections.Generic.List<ErrnoConstant>(items);
            foreach (var constant in other.items)
            {
                if (Array.IndexOf(items, constant) < 0)
                {
                    union.Add(constant);
                }
            }

            return new ErrnoSet(union.ToArray());
        }

        public bool Equals(ErrnoSet other) =>
            (items?.Length ?? 0) == (other.items?.Length ?? 0) && (other.items is null || Contains(other.items));

        public override bool Equals(object? obj) => obj is ErrnoSet other && Equals(other);

        public override int GetHashCode() => items?.Length ?? 0;

        private bool Contains(ErrnoConstant[] constants)
        {
            foreach (var constant in constants)
            {
                if (items is null || Array.IndexOf(items, constant) < 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
