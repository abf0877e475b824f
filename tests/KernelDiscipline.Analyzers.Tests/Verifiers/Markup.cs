using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>
    /// The markup of Microsoft.CodeAnalysis.Testing: <c>[|…|]</c> a diagnostic of the rule under test,
    /// <c>{|KD101:…|}</c> a diagnostic with that id, <c>{|#0:…|}</c> location 0 for a <see cref="DiagnosticResult"/>.
    /// </summary>
    internal sealed class Markup
    {
        private Markup(string source, List<(string? Id, TextSpan Span)> spans, Dictionary<int, TextSpan> locations)
        {
            Source = source;
            Spans = spans;
            Locations = locations;
        }

        public string Source { get; }

        /// <summary>Spans from <c>[|…|]</c> (id null) and <c>{|ID:…|}</c>.</summary>
        public List<(string? Id, TextSpan Span)> Spans { get; }

        /// <summary>Spans from <c>{|#n:…|}</c>.</summary>
        public Dictionary<int, TextSpan> Locations { get; }

        public static Markup Parse(string markup)
        {
            var output = new StringBuilder(markup.Length);
            var open = new Stack<(string? Tag, int Start)>();
            var spans = new List<(string?, TextSpan)>();
            var locations = new Dictionary<int, TextSpan>();
            for (int i = 0; i < markup.Length; i++)
            {
                if (Starts(markup, i, "[|"))
                {
                    open.Push((null, output.Length));
                    i++;
                }
                else if (Starts(markup, i, "{|"))
                {
                    int colon = markup.IndexOf(':', i + 2);
                    if (colon < 0)
                    {
                        throw new FormatException($"Markup '{{|' at {i} has no ':'.");
                    }

                    open.Push((markup.Substring(i + 2, colon - i - 2), output.Length));
                    i = colon;
                }
                else if (Starts(markup, i, "|]") || Starts(markup, i, "|}"))
                {
                    if (open.Count == 0)
                    {
                        throw new FormatException($"Unbalanced markup close at {i}.");
                    }

                    var (tag, start) = open.Pop();
                    var span = TextSpan.FromBounds(start, output.Length);
                    if (tag != null && tag.StartsWith("#", StringComparison.Ordinal))
                    {
                        locations.Add(int.Parse(tag.Substring(1), System.Globalization.CultureInfo.InvariantCulture), span);
                    }
                    else
                    {
                        spans.Add((tag, span));
                    }

                    i++;
                }
                else
                {
                    output.Append(markup[i]);
                }
            }

            if (open.Count != 0)
            {
                throw new FormatException("Unclosed markup.");
            }

            return new Markup(output.ToString(), spans, locations);
        }

        private static bool Starts(string text, int index, string token) =>
            string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
    }
}
