using System.Collections.Generic;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests
{
    /// <summary>
    /// The analyzer's two ways of finding bodies with tracked calls (the driver's code blocks, or one scan per tree)
    /// must report exactly the same diagnostics: on the kernel-shape corpus, the samples, and the shapes whose code
    /// blocks are easy to miss (accessors, arrow members, operators, constructors, local functions, lambdas, top-level
    /// statements).
    /// </summary>
    public class RegistrationTests
    {
        private const string Members = """
            using System;

            var top = new MmStruct().PmdAlloc(0);
            var t = top.MapLock(0);
            t.Unlock();

            class C
            {
                private Pmd pmd = new MmStruct().PmdAlloc(0);

                public int Property
                {
                    get { var pte = pmd.MapLock(0); return pte is null ? -Errno.EFAULT : 0; }
                }

                public int Arrow => pmd.MapLock(0) is null ? -Errno.EFAULT : 0;

                public C(Pmd p) { var pte = p.MapLock(0); pte.Unlock(); }

                public static int operator +(C c, int x) { var pte = c.pmd.MapLock(0); pte.Unlock(); return x; }

                int Local()
                {
                    return Inner();
                    int Inner() { var pte = pmd.MapLock(0); if (pte is null) return -Errno.EFAULT; pte.Unlock(); return 0; }
                }

                Func<int> Lambda() => () => { var pte = pmd.MapLock(0); if (pte is null) return -Errno.EFAULT; pte.Unlock(); return 0; };

                int Errno304() => Errno.EAGAIN == 0 ? 0 : -1;
            }
            """;

        public static IEnumerable<object[]> Sources() => CorpusComparison.Sources("members");

        [Theory]
        [MemberData(nameof(Sources))]
        public async Task BothRegistrationsReportTheSame(string name)
        {
            string source = CorpusComparison.Text(name, "members", Members);
            var compilation = TestProject.Compile(source, TestProject.RunningFrameworkReferences);
            if (name == "members")
            {
                compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
            }

            TestProject.AssertCompiles(compilation, name);
            var byBlocks = await Run(compilation, KernelDisciplineAnalyzer.Registration.CodeBlocks);
            var byTree = await Run(compilation, KernelDisciplineAnalyzer.Registration.TreeScan);
            Assert.Equal(byBlocks, byTree);
            if (name == "members")
            {
                // Every kind of code block above has its finding: the comparison is not between two empty lists.
                Assert.True(byBlocks.Count >= 8, string.Join("\n", byBlocks));
            }
        }

        private static Task<List<string>> Run(Compilation compilation, KernelDisciplineAnalyzer.Registration registration) =>
            CorpusComparison.Diagnostics(compilation, new KernelDisciplineAnalyzer(registration));
    }
}
