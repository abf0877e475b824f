using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// A library built on the Runtime and referenced as metadata, as a package would be: its annotated methods are
    /// tracked and its lock-class declarations placed in the order, the same as the Runtime's own and as source's.
    /// </summary>
    public class ReferencedLibraryTests
    {
        private const string Library = """
            [assembly: LockClassDeclaration("pool_lock", LockKind.Spinning, 850)]

            namespace PoolLibrary
            {
                public sealed class Pool
                {
                    [LockClass("pool_lock")]
                    public TicketLock Lock { get; } = new TicketLock(LockClass.Declare("pool_lock", LockKind.Spinning, 850));
                }

                public static class Walk
                {
                    [Fallible, Acquires(LockClass.PtlName)]
                    public static PteMap? LockTable(Pmd pmd, ulong address) => pmd.MapLock(address);

                    [Releases(LockClass.PtlName)]
                    public static void UnlockTable(PteMap map) => map.Unlock();
                }
            }
            """;

        private static readonly IReadOnlyList<MetadataReference> WithLibrary = TestProject.References.Append(BuildLibrary()).ToList();

        [Fact]
        public Task TheLibrarysFallibleMethodMustBeChecked() => Verify.VerifyAnalyzerAsync("""
            using PoolLibrary;

            class C
            {
                // Only the library's names here: the body is tracked because the library's methods are.
                void Unchecked(Pmd pmd)
                {
                    var pte = Walk.LockTable(pmd, 0);
                    Walk.UnlockTable({|KD101:pte|});
                }

                void Checked(Pmd pmd)
                {
                    var pte = Walk.LockTable(pmd, 0);
                    if (pte != null)
                        Walk.UnlockTable(pte);
                }
            }
            """, null, WithLibrary);

        /// <summary>KD201Diagnostics.ConsumerClassPlacedInTheOrder's shape, with the class declared by a referenced library instead of in source.</summary>
        [Fact]
        public Task TheLibrarysLockClassIsPlacedInTheOrder() => Verify.VerifyAnalyzerAsync("""
            using PoolLibrary;

            class C
            {
                void Good(Pmd pmd, Pool pool)
                {
                    var pmdLock = pmd.Lock();
                    pool.Lock.Lock();
                    pool.Lock.Unlock();
                    pmdLock.Unlock();
                }

                void Bad(Pmd pmd, Pool pool)
                {
                    pool.Lock.Lock();
                    var pmdLock = {|KD201:pmd.Lock()|};
                    pmdLock.Unlock();
                    pool.Lock.Unlock();
                }
            }
            """, null, WithLibrary);

        private static MetadataReference BuildLibrary()
        {
            var compilation = TestProject.Compile(Library).WithAssemblyName("PoolLibrary");
            TestProject.AssertCompiles(compilation, "library");
            using var image = new System.IO.MemoryStream();
            var emitted = compilation.Emit(image);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
            return MetadataReference.CreateFromImage(image.ToArray());
        }
    }
}
