using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers
{
    /// <summary>Every rule's descriptor and help link, in one place.</summary>
    internal static class Descriptors
    {
        public const string HelpLinkBase = "https://github.com/KernelDiscipline/KernelDiscipline/blob/main/docs/rules/";

        private const string MapCategory = "KernelDiscipline.MapDiscipline";

        public static readonly DiagnosticDescriptor KD101MayBeNull = Create(
            "KD101",
            "Check a fallible map or lock for null before using it",
            "The result of '{0}' {1} on a path where it may be null: it fails when the page table was freed, collapsed or replaced; check it and retry or return -EAGAIN",
            MapCategory,
            "A [Fallible] acquire such as Pmd.MapLock (pte_offset_map_lock) returns null when the page table went away under the caller. Every use must be preceded by a null check.");

        public static readonly DiagnosticDescriptor KD102WrongFailure = Create(
            "KD102",
            "Retry a failed map or return -EAGAIN",
            "On the path where '{0}' failed, {1}; a failed map means the page table changed under you: retry or return -EAGAIN",
            MapCategory,
            "A failed pte_offset_map_lock is transient: the caller can retry. Returning -EFAULT, -EEXIST or -ENOMEM, throwing, crashing or returning VM_FAULT_SIGBUS turns a benign race into a user-visible error.");

        public static readonly DiagnosticDescriptor KD103NotReleased = Create(
            "KD103",
            "Release a successful map or lock on every path",
            "'{0}' succeeds on a path that leaves the method without releasing it; call {1} on every path out, or hand ownership on",
            MapCategory,
            "A successful map holds the page table lock (and the RCU read side): leaving without pte_unmap_unlock deadlocks the next user of the table.");

        public static readonly DiagnosticDescriptor KD103UsedAfterRelease = Create(
            "KD103",
            "Release a successful map or lock on every path",
            "'{0}' is used after it was released; the page table may be gone: map it again",
            MapCategory,
            "After pte_unmap_unlock the table may be freed at any moment; nothing read through the old map is valid.");

        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Create(string id, string title, string message, string category, string description) =>
            new DiagnosticDescriptor(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
                description: description, helpLinkUri: HelpLink(id));
    }
}
