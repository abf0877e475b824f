using System.Linq;
using KernelDiscipline.Analyzers.Engine;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests
{
    /// <summary>Lockdep (at run time) and the lock rules (at build time) read one hierarchy: they must agree exactly.</summary>
    public class HierarchyAgreementTests
    {
        [Fact]
        public void AnalyzerAndLockdepSeeTheSameClassesKindsAndRanks()
        {
            var known = KnownSymbols.TryCreate(TestProject.Compile("class C { }"))!;
            var runtime = typeof(LockClass).Assembly.GetCustomAttributes(typeof(LockClassDeclarationAttribute), false)
                .Cast<LockClassDeclarationAttribute>()
                .Select(d => LockClass.Get(d.Name))
                .ToDictionary(c => c.Name);

            Assert.Equal(runtime.Keys.OrderBy(n => n), known.LockClasses.Keys.OrderBy(n => n));
            foreach (var (name, info) in known.LockClasses)
            {
                Assert.Equal(runtime[name].Kind == LockKind.Sleeping, info.Sleeping);
                Assert.Equal(runtime[name].Rank, info.Rank);
                foreach (var (other, otherInfo) in known.LockClasses)
                {
                    Assert.Equal(runtime[name].MustPrecede(runtime[other]), info.MustPrecede(otherInfo));
                }
            }
        }

        [Fact]
        public void ConsumerDeclarationsJoinTheHierarchy()
        {
            var known = KnownSymbols.TryCreate(TestProject.Compile(
                "[assembly: LockClassDeclaration(\"buffer_pool\", LockKind.Spinning, 850)]"))!;
            var pool = known.LockClasses["buffer_pool"];
            Assert.False(pool.Sleeping);
            Assert.True(known.LockClasses["pmd_lock"].MustPrecede(pool));
            Assert.True(pool.MustPrecede(known.LockClasses["ptl"]));
        }
    }
}
