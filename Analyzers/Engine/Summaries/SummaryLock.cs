using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>A lock a callee leaves held: its identity in the callee's terms, class, mode, and how it nests.</summary>
    internal readonly struct SummaryLock
    {
        public SummaryLock(Capability lockId, string? lockClass, LockMode mode, bool nested, bool reentrant)
        {
            Lock = lockId;
            Class = lockClass;
            Mode = mode;
            Nested = nested;
            Reentrant = reentrant;
        }

        public Capability Lock { get; }

        public string? Class { get; }

        public LockMode Mode { get; }

        public bool Nested { get; }

        public bool Reentrant { get; }
    }
}
