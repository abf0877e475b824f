using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>A try-lock's boolean result: the lock it takes (in <see cref="Mode"/>) when the result is <see cref="Success"/>.</summary>
    internal sealed class TryLock
    {
        public TryLock(Capability id, string? lockClass, bool success, SyntaxNode site, LockMode mode, bool reentrant = false, bool quiet = false, bool upgradeable = false)
        {
            Reentrant = reentrant;
            Quiet = quiet;
            Upgradeable = upgradeable;
            Id = id;
            Class = lockClass;
            Success = success;
            Site = site;
            Mode = mode;
        }

        public Capability Id { get; }

        public string? Class { get; }

        public bool Success { get; }

        public SyntaxNode Site { get; }

        public LockMode Mode { get; }

        public bool Reentrant { get; }

        /// <summary>A .NET lock followed for identity only (see <see cref="LockFact.Quiet"/>).</summary>
        public bool Quiet { get; }

        public bool Upgradeable { get; }
    }
}
