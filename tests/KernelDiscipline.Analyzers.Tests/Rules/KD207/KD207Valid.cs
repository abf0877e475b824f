using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD207
{
    /// <summary>KD207 (Make lock annotations name what the analyses know): annotations that are right, on which nothing is reported.</summary>
    public class KD207Valid
    {
        /// <summary>The README's wrapper example pastes as it stands: it compiles and its annotations are all right.</summary>
        [Fact]
        public Task TheReadmeWrapperExampleIsClean() => Verify.VerifyAnalyzerAsync(ReadmeExample("## Annotating your own wrappers"));

        /// <summary>The README's returned-lock example pastes beside the wrapper example (whose lock class it uses).</summary>
        [Fact]
        public Task TheReadmeReturnedLockExampleIsClean() =>
            Verify.VerifyAnalyzerAsync(ReadmeExample("## Annotating your own wrappers") + ReadmeExample("RETURN_CAPABILITY"));

        /// <summary>The first C# block of README.md after <paramref name="marker"/>.</summary>
        private static string ReadmeExample(string marker)
        {
            var readme = System.IO.File.ReadAllText(Verifiers.Repository.PathOf("README.md"));
            int section = readme.IndexOf(marker, System.StringComparison.Ordinal);
            int start = readme.IndexOf("```csharp\n", section, System.StringComparison.Ordinal) + "```csharp\n".Length;
            int end = readme.IndexOf("```", start, System.StringComparison.Ordinal);
            Assert.True(section >= 0 && start > section && end > start, $"README.md has no example after {marker}");
            return readme.Substring(start, end - start);
        }

        [Fact]
        public Task EveryKindOfLockExpression() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 150)]

            class Base
            {
                protected readonly object baseGate = new();
            }

            sealed class Cache : Base
            {
                private static readonly object registry = new();

                [LockClass("cache_lock")]
                private readonly object gate = new();

                private readonly System.Threading.SemaphoreSlim semaphore = new(1, 1);
                private readonly System.Threading.ReaderWriterLockSlim rw = new();

                public MmStruct Mm { get; } = new();

                [GuardedBy(nameof(gate))] private int a;
                [GuardedBy("this.gate")] private int b;
                [GuardedBy(nameof(baseGate))] private int c;
                [GuardedBy(nameof(semaphore))] private int d;
                [GuardedBy(nameof(rw))] private int e;
                [GuardedBy("Mm.MmapLock")] private int f;
                [GuardedBy(nameof(registry))] private static int g;
                [PtGuardedBy(nameof(gate))] private readonly int[] data = new int[4];

                [MustHold("mm.MmapLock", Shared = true)]
                public static void Walk(MmStruct mm)
                {
                }

                [MustHold(nameof(gate)), MustNotHold(nameof(semaphore))]
                public void Both()
                {
                }

                [ContextUnsafe("read once at start-up, before any other thread sees the cache")]
                public void Peek()
                {
                }
            }

            sealed class Typed
            {
                [LockClass(LockClass.PtlName)]
                public TicketLock Ptl { get; } = new(LockClass.Ptl);
            }
            """);
    }
}
