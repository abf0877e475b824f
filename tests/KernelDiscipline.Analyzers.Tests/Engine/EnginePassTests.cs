using System.Collections.Generic;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Engine
{
    /// <summary>
    /// A body without a backward edge is solved and reported in one pass; every other body in two (the fixed point,
    /// then a pass that records). Both must report exactly the same, on the kernel-shape corpus and on the shapes
    /// where one pass could differ: try/catch/finally (finally regions run per edge, catch handlers seeded from the
    /// try blocks), using, lock, switch, forward goto, early returns and throws, and loops beside straight code.
    /// </summary>
    public class EnginePassTests
    {
        private const string Shapes = """
            using System;

            class C
            {
                private readonly object gate = new object();

                int TryCatchFinally(Pmd pmd, bool fail)
                {
                    var pte = pmd.MapLock(0);
                    try
                    {
                        if (pte is null)
                            return -Errno.EFAULT;
                        if (fail)
                            throw new InvalidOperationException();
                        pte.Write(0, null);
                    }
                    catch (InvalidOperationException)
                    {
                        return -Errno.EAGAIN;
                    }
                    finally
                    {
                        pte?.Unlock();
                    }

                    return 0;
                }

                int FinallyLeavesItHeld(Pmd pmd, int k)
                {
                    var pte = pmd.MapLock(0);
                    try
                    {
                        if (pte is null)
                            return -Errno.EAGAIN;
                        if (k > 3)
                            return 1;
                    }
                    finally
                    {
                        if (k > 5)
                            pte?.Unlock();
                    }

                    return 0;
                }

                int SwitchAndGoto(Pmd pmd, int k)
                {
                    var pte = pmd.MapLock(0);
                    if (pte is null)
                        goto again;
                    switch (k)
                    {
                        case 0:
                            pte.Unlock();
                            return 0;
                        case 1:
                            goto done;
                        default:
                            pte.Unlock();
                            break;
                    }

                    return 1;
                done:
                    return 2;
                again:
                    return -Errno.EFAULT;
                }

                void LockAndUsing(Pmd pmd, TicketLock ptl)
                {
                    lock (gate)
                    {
                        using (ptl.LockScope())
                        {
                            var pte = pmd.MapLock(0);
                            pte.Unlock();
                        }
                    }
                }

                // A catch handler is seeded from the start of each try block, through the finally regions between:
                // the one with the PTL held takes mmap_lock under it. The reporting pass never runs that path; one
                // pass must not record it either.
                void FinallyOnTheExceptionPath(MmStruct mm, Pmd pmd)
                {
                    try
                    {
                        try
                        {
                            var pte = pmd.MapLock(0);
                            if (pte is null)
                                return;
                            pte.Write(0, null);
                            pte.Unlock();
                        }
                        finally
                        {
                            mm.MmapLock.DownRead();
                            mm.MmapLock.UpRead();
                        }
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }

                int LoopBesideStraightCode(Pmd pmd, int n)
                {
                    var first = pmd.MapLock(0);
                    if (first is null)
                        return -Errno.EAGAIN;
                    first.Unlock();
                    for (int i = 0; i < n; i++)
                    {
                        var pte = pmd.MapLock((ulong)i);
                        if (pte is null)
                            continue;
                        pte.Unlock();
                    }

                    return 0;
                }
            }
            """;

        public static IEnumerable<object[]> Sources() => CorpusComparison.Sources("shapes");

        [Theory]
        [MemberData(nameof(Sources))]
        public async Task OnePassAndTwoPassesReportTheSame(string name)
        {
            string source = CorpusComparison.Text(name, "shapes", Shapes);
            var compilation = TestProject.Compile(source, TestProject.RunningFrameworkReferences);
            var onePass = await Run(compilation, singlePass: true);
            var twoPasses = await Run(compilation, singlePass: false);
            Assert.Equal(twoPasses, onePass);
            if (name == "shapes")
            {
                // The shapes above have findings of their own: the comparison is not between two empty lists.
                Assert.True(onePass.Count >= 4, string.Join("\n", onePass));
            }
        }

        private static Task<List<string>> Run(Compilation compilation, bool singlePass) =>
            CorpusComparison.Diagnostics(compilation, new KernelDisciplineAnalyzer(KernelDisciplineAnalyzer.Registration.CodeBlocks, singlePass));
    }
}
