using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What calling a method does to the caller's locks, computed from its body.</summary>
    internal sealed class LockSummary
    {
        public static readonly LockSummary Empty = new LockSummary();

        /// <summary>Locks held at every exit, named through the callee's parameters or <c>this</c>.</summary>
        public List<SummaryLock> Acquired { get; } = new List<SummaryLock>();

        /// <summary>Locks released that the method did not take (the caller's), with the mode of the release.</summary>
        public List<(Capability Lock, LockMode Mode)> Released { get; } = new List<(Capability, LockMode)>();

        /// <summary>Classes the method takes (blocking) at some point, itself or through its callees.</summary>
        public HashSet<string> Takes { get; } = new HashSet<string>();

        /// <summary>
        /// Classes the method takes only as re-entrant locks its caller can name (through parameters or <c>this</c>), with
        /// those names: a caller that holds them all re-enters them, which takes nothing new and is checked against no order.
        /// </summary>
        public Dictionary<string, List<Capability>>? Reentries { get; set; }

        public bool MightSleep { get; set; }

        /// <summary>Classes of the locks held at some exit (for the class of a wrapper that names none).</summary>
        public HashSet<string> HeldAtSomeExit { get; } = new HashSet<string>();

        /// <summary>Classes it try-locks.</summary>
        public HashSet<string> Tries { get; } = new HashSet<string>();

        public bool IsEmpty => Acquired.Count == 0 && Released.Count == 0 && Takes.Count == 0 && !MightSleep;
    }
}
