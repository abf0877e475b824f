using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD305: what is known of the lockless snapshot of one PMD: whether it was re-validated (or read) under a lock, and
    /// the ordered spinning locks held there. While every one of those is still held the PMD cannot change, so a lock
    /// taken meanwhile (the PTL after <c>pmd.Same(v)</c> under the PMD lock) needs no second check.
    /// </summary>
    internal readonly struct SnapshotState : IEquatable<SnapshotState>
    {
        /// <summary>Taken without a lock, or a lock was taken since and nothing re-checked it under that lock.</summary>
        public static readonly SnapshotState Unvalidated = default;

        public SnapshotState(Capability[] under)
        {
            Validated = true;
            this.under = under;
        }

        public bool Validated { get; }

        /// <summary>The locks the validation holds under (empty: the next acquisition ends it).</summary>
        public Capability[] Under => under ?? Array.Empty<Capability>();

        private readonly Capability[]? under;

        /// <summary>Validated only if both paths validated it; then it holds while the locks of both are held.</summary>
        public SnapshotState Join(SnapshotState other)
        {
            if (!Validated || !other.Validated)
            {
                return Unvalidated;
            }

            if (Covers(other.Under))
            {
                return this;
            }

            var union = new System.Collections.Generic.List<Capability>(Under);
            foreach (var id in other.Under)
            {
                if (Array.IndexOf(Under, id) < 0)
                {
                    union.Add(id);
                }
            }

            return new SnapshotState(union.ToArray());
        }

        public bool Equals(SnapshotState other) =>
            Validated == other.Validated && Under.Length == other.Under.Length && Covers(other.Under);

        public override bool Equals(object? obj) => obj is SnapshotState other && Equals(other);

        public override int GetHashCode() => Validated ? Under.Length + 1 : 0;

        private bool Covers(Capability[] ids)
        {
            foreach (var id in ids)
            {
                if (Array.IndexOf(Under, id) < 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
