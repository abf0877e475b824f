using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A bool local that says whether a lock was taken (<c>Monitor.Enter(x, ref taken)</c>, <c>bool ok = Monitor.TryEnter(x)</c>),
    /// and what a branch on it decided on every path here: a later test of the flag takes that edge only.
    /// </summary>
    internal readonly struct TakenFlag : IEquatable<TakenFlag>
    {
        public TakenFlag(Capability lockId, bool? decided = null)
        {
            Lock = lockId;
            Decided = decided;
        }

        public Capability Lock { get; }

        /// <summary>The flag's value as an earlier branch on it decided (null: not decided on every path).</summary>
        public bool? Decided { get; }

        public bool Equals(TakenFlag other) => Lock.Equals(other.Lock) && Decided == other.Decided;

        public override bool Equals(object? obj) => obj is TakenFlag other && Equals(other);

        public override int GetHashCode() => Lock.GetHashCode();
    }
}
