namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// What an acquisition site's result is, and so what releasing it means: each kind has its own "released" and its
    /// own message when used after it.
    /// </summary>
    internal enum ResourceKind
    {
        /// <summary>A map of a page table (<c>MapLock</c>, <c>Map</c>): released, the table may be freed, so any use after is a bug.</summary>
        Map,

        /// <summary>The lock itself (<c>pmd.Lock()</c>, <c>TransHugeLock</c>): released, it is unlocked and may be taken again.</summary>
        Lock,

        /// <summary>An object that carries a charge (<c>Folio.Alloc()</c>'s reference): given back, the object may be freed.</summary>
        Charge,
    }
}
