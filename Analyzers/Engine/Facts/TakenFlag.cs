using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// A bool local that says whether a lock was taken (<c>Monitor.Enter(x, ref taken)</c>, <c>bool ok = Monitor.TryEnter(x)</c>,
    /// <c>bool busy = p.TryLockBusy()</c> of a <c>[TryAcquires(SuccessValue = false)]</c>), and what a branch on it decided
    /// on every path here: a later test of the flag takes that edge only.
    /// </summary>
    internal readonly struct TakenFlag : IEquatable<TakenFlag>
    {
        public TakenFlag(Capability lockId, bool? decided = null, bool takenWhen = true)
        {
            Lock = lockId;
            Decided = decided;
            TakenWhen = takenWhen;
        }

        public Capability Lock { get; }

        /// <summary>The flag's value that says the lock was taken (false for a try-lock that returns false on success).</summary>
        public bool TakenWhen { get; }

        /// <summary>The same flag, decided as <paramref name="value"/> (null: no longer decided).</summary>
        public TakenFlag Deciding(bool? value) => new TakenFlag(Lock, value, TakenWhen);

        /// <summary>The flag's value as an earlier branch on it decided (null: not decided on every path).</summary>
        public bool? Decided { get; }

        public bool Equals(TakenFlag other) => Lock.Equals(other.Lock) && Decided == other.Decided && TakenWhen == other.TakenWhen;

        public override bool Equals(object? obj) => obj is TakenFlag other && Equals(other);

        public override int GetHashCode() => Lock.GetHashCode();
    }
}
