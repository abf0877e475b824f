using System.Collections.Generic;
using System.Linq;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>An expected diagnostic: an id, a markup location (<c>{|#n:…|}</c>) and optionally its message arguments.</summary>
    public readonly struct DiagnosticResult
    {
        public DiagnosticResult(string id)
            : this(id, null, null)
        {
        }

        private DiagnosticResult(string id, int? location, object[]? arguments)
        {
            Id = id;
            LocationMarker = location;
            Arguments = arguments;
        }

        public string Id { get; }

        public int? LocationMarker { get; }

        public IReadOnlyList<object>? Arguments { get; }

        public DiagnosticResult WithLocation(int marker) => new DiagnosticResult(Id, marker, Arguments?.ToArray());

        public DiagnosticResult WithArguments(params object[] arguments) => new DiagnosticResult(Id, LocationMarker, arguments);

        public override string ToString() => $"{Id} at #{LocationMarker}" + (Arguments is null ? "" : " (" + string.Join(", ", Arguments) + ")");
    }
}
