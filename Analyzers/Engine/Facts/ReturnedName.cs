using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The lock an [Acquires(Returns = "x")] site's latest result is, in the body's terms: as the analysis resolves it
    /// (<c>first.LockPointer</c> when the receiver <c>pmd</c> is a copy of <c>first</c>) and as written
    /// (<c>pmd.LockPointer</c>, which stays the same from one turn of a retry loop to the next). Either may be gone: a
    /// join keeps what the paths that hold the result agree on; writing a variable drops what is reached through it.
    /// </summary>
    internal readonly struct ReturnedName : IEquatable<ReturnedName>
    {
        public ReturnedName(Capability? resolved, Capability? written)
        {
            Resolved = resolved;
            Written = written != null && written.Equals(resolved) ? null : written;
        }

        public Capability? Resolved { get; }

        public Capability? Written { get; }

        public bool IsEmpty => Resolved is null && Written is null;

        public bool Names(Capability id) => id.Equals(Resolved) || id.Equals(Written);

        /// <summary>What both names agree on.</summary>
        public ReturnedName Meet(ReturnedName other) => new ReturnedName(
            Resolved != null && Resolved.Equals(other.Resolved) ? Resolved : Written != null && Written.Equals(other.Resolved) ? Written : null,
            Written != null && Written.Equals(other.Written) ? Written : Resolved != null && Resolved.Equals(other.Written) ? Resolved : null);

        /// <summary>Without what <paramref name="variable"/> reaches (its root, or an index), once it is written.</summary>
        public ReturnedName Without(Microsoft.CodeAnalysis.ISymbol variable) => new ReturnedName(
            Resolved != null && Resolved.Mentions(variable) ? null : Resolved,
            Written != null && Written.Mentions(variable) ? null : Written);

        public bool Equals(ReturnedName other) =>
            (Resolved is null ? other.Resolved is null : Resolved.Equals(other.Resolved)) &&
            (Written is null ? other.Written is null : Written.Equals(other.Written));

        public override bool Equals(object? obj) => obj is ReturnedName other && Equals(other);

        public override int GetHashCode() => (Resolved?.GetHashCode() ?? 0) ^ (Written?.GetHashCode() ?? 0);
    }
}
