using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>An expected diagnostic: an id, a markup location (<c>{|#n:…|}</c>), optionally its message arguments and severity.</summary>
    public readonly struct DiagnosticResult
    {
        public DiagnosticResult(string id)
            : this(id, null, null, null)
        {
        }

        private DiagnosticResult(string id, int? location, object[]? arguments, DiagnosticSeverity? severity)
        {
            Id = id;
            LocationMarker = location;
            Arguments = arguments;
            Severity = severity;
        }

        public string Id { get; }

        public int? LocationMarker { get; }

        public IReadOnlyList<object>? Arguments { get; }

        /// <summary>The effective severity expected; null: any.</summary>
        public DiagnosticSeverity? Severity { get; }

        public DiagnosticResult WithLocation(int marker) => new DiagnosticResult(Id, marker, Arguments?.ToArray(), Severity);

        public DiagnosticResult WithArguments(params object[] arguments) => new DiagnosticResult(Id, LocationMarker, arguments, Severity);

        public DiagnosticResult WithSeverity(DiagnosticSeverity severity) => new DiagnosticResult(Id, LocationMarker, Arguments?.ToArray(), severity);

        public override string ToString() => $"{Id} at #{LocationMarker}" + (Arguments is null ? "" : " (" + string.Join(", ", Arguments) + ")") +
            (Severity is null ? "" : $" as {Severity}");
    }
}
