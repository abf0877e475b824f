using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// What may be true of one acquired resource on the paths reaching a point: a set, joined by union, so the
    /// lattice has height 5 per resource.
    /// </summary>
    [Flags]
    internal enum Fact : byte
    {
        None = 0,
        /// <summary>The acquire failed: the value is null.</summary>
        Null = 1,
        /// <summary>The acquire succeeded and its lock/map is held.</summary>
        Held = 2,
        /// <summary>Released (Unlock, Dispose, or a releasing helper).</summary>
        Released = 4,
        /// <summary>Ownership handed on: returned, stored, or passed to another method.</summary>
        Escaped = 8,
        /// <summary>Non-null, but holds nothing that must be released (a [Fallible] result without [Acquires]).</summary>
        Live = 16,
    }
}
