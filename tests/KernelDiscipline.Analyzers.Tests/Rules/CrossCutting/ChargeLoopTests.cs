using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Engine;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// A charge that builds up across iterations (<c>for (…) folio.Get();</c>) is counted exactly up to a bound and as
    /// "many" past it: the fixed point is reached, and every rule still reports in that method (issue 27, family 1: the
    /// count grew forever, the worklist gave up and the whole method went quiet). Each rule's diagnostic is planted beside
    /// each kind of charge in a loop: on the receiver, on an argument, carried by a returned object.
    /// </summary>
    public class ChargeLoopTests
    {
        /// <summary>The loops, each balanced after (so the rule's own diagnostic is the only one): many gets, then many puts.</summary>
        private static readonly Dictionary<string, string> Loops = new()
        {
            ["receiver"] = """
                for (int i = 0; i < n; i++)
                    folio.Get();
                for (int i = 0; i < n; i++)
                    folio.Put();
                """,
            ["argument"] = """
                for (int i = 0; i < n; i++)
                    Gup.PinUserPages(mm, addr, 1, GupFlags.Write, pages);
                Gup.UnpinUserPages(pages, n);
                """,
            ["returned"] = """
                for (int i = 0; i < n; i++)
                {
                    var f = Folio.Alloc();
                    f.Get();
                    f.Put();
                    f.Put();
                }
                """,
        };

        /// <summary>After the loop: one diagnostic of one rule, marked where it must be.</summary>
        private static readonly Dictionary<string, string> Planted = new()
        {
            ["KD101"] = """
                var pte = pmd.MapLock(addr);
                {|KD101:pte|}.Unlock();
                return 0;
                """,
            ["KD102"] = """
                var pte = pmd.MapLock(addr);
                if (pte is null)
                    return {|KD102:-Errno.EFAULT|};
                pte.Unlock();
                return 0;
                """,
            ["KD103"] = """
                var pte = {|KD103:pmd.MapLock(addr)|};
                if (pte is null)
                    return -Errno.EAGAIN;
                return 0;
                """,
            ["KD201"] = """
                var pte = pmd.MapLock(addr);
                if (pte is null)
                    return -Errno.EAGAIN;
                var ptl = {|KD201:pmd.Lock()|};
                ptl.Unlock();
                pte.Unlock();
                return 0;
                """,
            ["KD202"] = """
                var p = pmd.MapLock(addr);
                if (p is null)
                    return -Errno.EAGAIN;
                var q = {|KD202:other.MapLock(addr)|};
                q?.Unlock();
                p.Unlock();
                return 0;
                """,
            ["KD203"] = """
                mm.PageTableLock.Lock();
                {|KD203:mm.MmapLock.DownRead()|};
                mm.MmapLock.UpRead();
                mm.PageTableLock.Unlock();
                return 0;
                """,
            ["KD204"] = """
                {|KD204:mm.MmapLock.DownRead()|};
                return 0;
                """,
            ["KD301"] = """
                {|KD301:Kernel.BugOn(bad)|};
                return 0;
                """,
            ["KD302"] = """
                if (inode.AcctBlocks(1) != 0)
                    return -Errno.ENOSPC;
                if (bad)
                    {|KD302:return -Errno.EFAULT;|}
                inode.UnacctBlocks(1);
                return 0;
                """,
            ["KD303"] = """
                {|KD303:Gup.GetUserPages(mm, addr, 1, GupFlags.Get, null)|};
                return 0;
                """,
            ["KD304"] = """
                if (bad)
                    return -Errno.EFAULT;
                return {|KD304:Errno.EAGAIN|};
                """,
            ["KD305"] = """
                var snapshot = pmd.GetLockless();
                if (snapshot.IsHuge)
                    return -Errno.EEXIST;
                var pte = pmd.MapNoLock(addr, out var ptl);
                if (pte is null)
                    return -Errno.EAGAIN;
                ptl!.Lock();
                {|KD305:pte.Write(addr, null)|};
                ptl.Unlock();
                pte.Dispose();
                return 0;
                """,
        };

        public static IEnumerable<object[]> EveryRuleBesideEveryLoop() =>
            from loop in Loops.Keys from rule in Planted.Keys select new object[] { loop, rule };

        private static string Body(string loop, string planted) => $$"""
            class C
            {
                int Run(MmStruct mm, Pmd pmd, Pmd other, ShmemInode inode, Folio folio, Folio?[] pages, ulong addr, int n, bool bad)
                {
            {{Indent(loop)}}
            {{Indent(planted)}}
                }
            }
            """;

        private static string Indent(string code) => string.Join("\n", code.Split('\n').Select(line => line.Length == 0 ? line : "        " + line));

        [Theory]
        [MemberData(nameof(EveryRuleBesideEveryLoop))]
        public Task EveryRuleIsReportedBesideAChargeInALoop(string loop, string rule) =>
            Verify.VerifyAnalyzerAsync(Body(Loops[loop], Planted[rule]));

        [Fact]
        public Task ChargesLeftHeldAfterTheLoopAreReportedAtErrorExits() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // Many references, none given back: every error exit leaves them (no fix: one Put does not undo "many").
                int Receiver(Pmd pmd, Folio folio, ulong addr, int n)
                {
                    for (int i = 0; i < n; i++)
                        folio.Get();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        {|#0:return -Errno.EAGAIN;|}
                    pte.Unlock();
                    return 0;
                }

                int Argument(MmStruct mm, Folio?[] pages, ulong addr, int n, bool bad)
                {
                    for (int i = 0; i < n; i++)
                        Gup.PinUserPages(mm, addr, 1, GupFlags.Write, pages);
                    if (bad)
                        {|KD302:return -Errno.EFAULT;|}
                    return 0;
                }

                // Straight-line charges past the bound are "many" too: still reported.
                int FiveGets(Folio folio, bool bad)
                {
                    folio.Get();
                    folio.Get();
                    folio.Get();
                    folio.Get();
                    folio.Get();
                    if (bad)
                        {|#1:return -Errno.EFAULT;|}
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD302").WithLocation(0).WithLocation(7, 13)
                .WithArguments("folio reference", "folio.Get()", 7, string.Empty),
            Verify.Diagnostic("KD302").WithLocation(1).WithLocation(31, 9)
                .WithArguments("folio reference", "folio.Get()", 31, string.Empty));

        [Fact]
        public Task BalancedLoopsRetriesAndLabelsStayQuiet() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static int TryInstall(Pmd pmd, ulong addr) => -Errno.EAGAIN;

                // Gets and puts in loops of their own: how many is not known, so the undo is not judged after them.
                int Balanced(Pmd pmd, Folio folio, ulong addr, int n)
                {
                    for (int i = 0; i < n; i++)
                        folio.Get();
                    for (int i = 0; i < n; i++)
                        folio.Put();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }

                // A retry loop that takes a reference on each pass and drops it before trying again.
                int Retry(Pmd pmd, Folio folio, ulong addr)
                {
                    while (true)
                    {
                        folio.Get();
                        int ret = TryInstall(pmd, addr);
                        if (ret == -Errno.EAGAIN)
                        {
                            folio.Put();
                            continue;
                        }

                        if (ret < 0)
                        {
                            folio.Put();
                            return ret;
                        }

                        return 0;
                    }
                }

                // goto again: a reference per pass, given back on the way round.
                int Again(Pmd pmd, Folio folio, ulong addr)
                {
                again:
                    folio.Get();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Put();
                        goto again;
                    }

                    pte.Unlock();
                    folio.Put();
                    return 0;
                }

                // try/finally and using around a loop of references.
                int Finally(Pmd pmd, Folio folio, ulong addr, int n)
                {
                    try
                    {
                        for (int i = 0; i < n; i++)
                            folio.Get();
                        using var pte = pmd.Map(addr);
                        if (pte is null)
                            return -Errno.EAGAIN;
                        return pte.Read(addr) is null ? 0 : 1;
                    }
                    finally
                    {
                        for (int i = 0; i < n; i++)
                            folio.Put();
                    }
                }
            }
            """);

        [Fact]
        public void TheBoundCutsTheFactAndTheMethodIsStillAnalysed()
        {
            var findings = Analyse("""
                class C
                {
                    int Run(Pmd pmd, Folio folio, ulong addr, int n)
                    {
                        for (int i = 0; i < n; i++)
                            folio.Get();
                        for (int i = 0; i < n; i++)
                            folio.Put();
                        var pte = pmd.MapLock(addr);
                        return 0;
                    }
                }
                """);

            Assert.False(findings.GaveUp);
            Assert.True(findings.BoundsHit > 0, "the charge past the bound is counted");
            Assert.Single(findings.Leaks); // the rest of the body: the map is still followed
        }

        [Fact]
        public void NoBoundIsHitWithoutALoop()
        {
            var findings = Analyse("""
                class C
                {
                    int Run(Folio folio, bool bad)
                    {
                        folio.Get();
                        folio.Get();
                        if (bad)
                            return -Errno.EFAULT;
                        folio.Put();
                        folio.Put();
                        return 0;
                    }
                }
                """);

            Assert.False(findings.GaveUp);
            Assert.Equal(0, findings.BoundsHit);
            Assert.Single(findings.ChargeLeaks);
        }

        /// <summary>The engine on the one method of <paramref name="source"/>, as the analyzer runs it.</summary>
        private static Findings Analyse(string source)
        {
            var compilation = TestProject.Compile(source);
            TestProject.AssertCompiles(compilation, "source");
            var tree = compilation.SyntaxTrees.First();
            var model = compilation.GetSemanticModel(tree);
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
            var graph = ControlFlowGraph.Create((IMethodBodyOperation)model.GetOperation(method)!);
            var known = KnownSymbols.TryCreate(compilation)!;
            return new DataflowEngine(known, graph, (IMethodSymbol?)model.GetDeclaredSymbol(method), _ => true, default, new LockSummaries(compilation, known)).Run();
        }
    }
}
