using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace KernelDiscipline.Runtime
{
    /// <summary>
    /// The lock hierarchy as a picture: the declared order (classes by rank, each rank above the next) and the
    /// dependencies lockdep observed, in Graphviz DOT and in Mermaid (which the common code hosts render as is).
    /// Observed edges that the declared order does not explain are drawn apart, dashed.
    /// </summary>
    public static class LockGraph
    {
        /// <summary>The hierarchy declared by <paramref name="assembly"/>'s [LockClassDeclaration]s (default: the Runtime's mm order).</summary>
        public static string DeclaredMermaid(Assembly? assembly = null) => Mermaid(Declared(assembly), Array.Empty<LockDependency>());

        /// <summary>The declared hierarchy in DOT.</summary>
        public static string DeclaredDot(Assembly? assembly = null) => Dot(Declared(assembly), Array.Empty<LockDependency>());

        /// <summary>The declared hierarchy of the classes lockdep saw, with the observed dependencies over it, in Mermaid.</summary>
        public static string ObservedMermaid(LockdepSnapshot snapshot) => Mermaid(Seen(snapshot), Checked(snapshot).Dependencies);

        /// <summary>The same, in DOT.</summary>
        public static string ObservedDot(LockdepSnapshot snapshot) => Dot(Seen(snapshot), Checked(snapshot).Dependencies);

        private static LockdepSnapshot Checked(LockdepSnapshot snapshot) => snapshot ?? throw new ArgumentNullException(nameof(snapshot));

        private static List<Node> Declared(Assembly? assembly)
        {
            var nodes = new List<Node>();
            foreach (var declaration in (assembly ?? typeof(LockClass).Assembly).GetCustomAttributes<LockClassDeclarationAttribute>())
            {
                nodes.Add(new Node(declaration.Name, declaration.Kind, declaration.Rank));
            }

            return nodes;
        }

        private static List<Node> Seen(LockdepSnapshot snapshot)
        {
            var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
            foreach (var usage in Checked(snapshot).Classes)
            {
                nodes[usage.Name] = new Node(usage.Name, usage.Kind, usage.Rank);
            }

            foreach (var dependency in snapshot.Dependencies)
            {
                foreach (var name in new[] { dependency.Outer, dependency.Inner })
                {
                    if (!nodes.ContainsKey(name))
                    {
                        var lockClass = LockClass.All.FirstOrDefault(c => c.Name == name.Split('/')[0]);
                        nodes[name] = new Node(name, lockClass?.Kind ?? LockKind.Spinning, lockClass?.Rank ?? 0);
                    }
                }
            }

            return nodes.Values.ToList();
        }

        /// <summary>Declared order edges: every class of one rank to every class of the next rank present.</summary>
        private static IEnumerable<(Node Outer, Node Inner)> OrderEdges(List<Node> nodes)
        {
            var ranks = nodes.Where(n => n.Rank > 0).Select(n => n.Rank).Distinct().OrderBy(r => r).ToList();
            for (int i = 0; i + 1 < ranks.Count; i++)
            {
                foreach (var outer in nodes.Where(n => n.Rank == ranks[i]).OrderBy(n => n.Name, StringComparer.Ordinal))
                {
                    foreach (var inner in nodes.Where(n => n.Rank == ranks[i + 1]).OrderBy(n => n.Name, StringComparer.Ordinal))
                    {
                        yield return (outer, inner);
                    }
                }
            }
        }

        private static IEnumerable<Node> Ordered(List<Node> nodes) =>
            nodes.OrderBy(n => n.Rank == 0 ? int.MaxValue : n.Rank).ThenBy(n => n.Name, StringComparer.Ordinal);

        private static string Mermaid(List<Node> nodes, IReadOnlyList<LockDependency> observed)
        {
            var text = new StringBuilder("flowchart TD\n");
            foreach (var node in Ordered(nodes))
            {
                // Sleeping locks are boxes, spinning locks rounded (the atomic ones: nothing below them may sleep).
                var (open, close) = node.Kind == LockKind.Sleeping ? ("[\"", "\"]") : ("([\"", "\"])");
                text.Append(CultureInfo.InvariantCulture, $"    {Id(node.Name)}{open}{node.Name}<br/>{Describe(node)}{close}\n");
            }

            foreach (var (outer, inner) in OrderEdges(nodes))
            {
                text.Append(CultureInfo.InvariantCulture, $"    {Id(outer.Name)} --> {Id(inner.Name)}\n");
            }

            foreach (var dependency in observed)
            {
                text.Append(dependency.ExplainedByOrder
                    ? $"    {Id(dependency.Outer)} ==>|observed| {Id(dependency.Inner)}\n"
                    : $"    {Id(dependency.Outer)} -.->|observed, not in the order| {Id(dependency.Inner)}\n");
            }

            return text.ToString();
        }

        private static string Dot(List<Node> nodes, IReadOnlyList<LockDependency> observed)
        {
            var text = new StringBuilder("digraph lock_order {\n    rankdir=TB;\n    node [fontname=\"Helvetica\"];\n");
            foreach (var node in Ordered(nodes))
            {
                string shape = node.Kind == LockKind.Sleeping ? "box" : "box, style=rounded";
                text.Append(CultureInfo.InvariantCulture, $"    {Id(node.Name)} [label=\"{node.Name}\\n{Describe(node)}\", shape={shape}];\n");
            }

            foreach (var group in nodes.Where(n => n.Rank > 0).GroupBy(n => n.Rank).Where(g => g.Count() > 1))
            {
                text.Append(CultureInfo.InvariantCulture, $"    {{ rank=same; {string.Join("; ", group.Select(n => Id(n.Name)).OrderBy(s => s, StringComparer.Ordinal))}; }}\n");
            }

            foreach (var (outer, inner) in OrderEdges(nodes))
            {
                text.Append(CultureInfo.InvariantCulture, $"    {Id(outer.Name)} -> {Id(inner.Name)} [color=gray];\n");
            }

            foreach (var dependency in observed)
            {
                text.Append(dependency.ExplainedByOrder
                    ? $"    {Id(dependency.Outer)} -> {Id(dependency.Inner)} [color=blue, penwidth=2, label=\"observed\"];\n"
                    : $"    {Id(dependency.Outer)} -> {Id(dependency.Inner)} [color=red, style=dashed, label=\"observed, not in the order\", constraint=false];\n");
            }

            return text.Append("}\n").ToString();
        }

        private static string Describe(Node node) =>
            (node.Kind == LockKind.Sleeping ? "sleeping" : "spinning") + (node.Rank == 0 ? ", unordered" : ", rank " + node.Rank.ToString(CultureInfo.InvariantCulture));

        /// <summary>A node id both languages accept: letters, digits and underscores.</summary>
        private static string Id(string name)
        {
            var id = new StringBuilder("c_");
            foreach (char c in name)
            {
                id.Append(char.IsLetterOrDigit(c) ? c : '_');
            }

            return id.ToString();
        }

        private readonly struct Node
        {
            public Node(string name, LockKind kind, int rank)
            {
                Name = name;
                Kind = kind;
                Rank = rank;
            }

            public string Name { get; }

            public LockKind Kind { get; }

            public int Rank { get; }
        }
    }
}
