using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD302: what is known of a local that holds an error: whether every path here knows it for one (tested negative),
    /// and what the paths on which it held one still hold (a label that joined them with success paths keeps that).
    /// One reference: the common entry (a tested error, nothing else) shares one instance, so the map of errors costs what
    /// a map of flags did.
    /// </summary>
    internal readonly struct ErrorFact : IEquatable<ErrorFact>
    {
        private static readonly Parts KnownOnly = new Parts(true, default);

        private readonly Parts? parts;

        private ErrorFact(Parts? parts) => this.parts = parts;

        /// <summary>Tested as an error on every path reaching here, nothing else known.</summary>
        public static ErrorFact KnownError => new ErrorFact(KnownOnly);

        public static ErrorFact Of(bool known, HeldOnError held) =>
            held.IsEmpty ? (known ? KnownError : default) : new ErrorFact(new Parts(known, held));

        /// <summary>Tested as an error (<c>ret &lt; 0</c>) on every path reaching here.</summary>
        public bool Known => parts?.Known ?? false;

        /// <summary>The charges held on the paths where it holds an error, when those paths were joined with others.</summary>
        public HeldOnError Held => parts?.Held ?? default;

        /// <summary>Nothing known: the default, what an absent entry reads as.</summary>
        public bool IsEmpty => !Known && Held.IsEmpty;

        public ErrorFact WithHeld(HeldOnError held) => Of(Known, held);

        public bool Equals(ErrorFact other) => ReferenceEquals(parts, other.parts) || (Known == other.Known && Held.Equals(other.Held));

        public override bool Equals(object? obj) => obj is ErrorFact other && Equals(other);

        public override int GetHashCode() => Known ? 1 : 0;

        private sealed class Parts
        {
            public Parts(bool known, HeldOnError held)
            {
                Known = known;
                Held = held;
            }

            public bool Known { get; }

            public HeldOnError Held { get; }
        }
    }
}
