using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// Scoped guards (Clang's scoped capabilities): the Runtime's LockScope/ReadScope/WriteScope and consumer guards
    /// whose [Acquires] constructor takes a lock that their [Releases] Dispose gives back. Every KD2xx rule sees the
    /// lock held from the acquisition to the dispose.
    /// </summary>
    public class ScopedGuardTests
    {
        [Fact]
        public Task RuntimeGuards() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int UsingStatement(MmStruct mm, ulong addr)
                {
                    using (mm.MmapLock.ReadScope())
                    {
                        return mm.FindVma(addr) is null ? -Errno.EFAULT : 0;
                    }
                }

                int UsingDeclaration(MmStruct mm, ulong addr)
                {
                    using var guard = mm.MmapLock.ReadScope();
                    return mm.FindVma(addr) is null ? -Errno.EFAULT : 0;
                }

                void SleepUnderASpinningGuard(MmStruct mm, Folio folio)
                {
                    using (mm.PageTableLock.LockScope())
                    {
                        {|KD203:folio.Lock()|};
                        folio.Unlock();
                    }
                }

                void OrderUnderAGuard(Vma vma, Folio folio)
                {
                    using var guard = vma.AnonVma!.Rwsem.WriteScope();
                    {|KD201:folio.Lock()|};
                    folio.Unlock();
                }

                void NeverDisposed(MmStruct mm)
                {
                    var guard = {|KD204:mm.MmapLock.ReadScope()|};
                }

                void DisposedTwice(MmStruct mm)
                {
                    var guard = mm.MmapLock.WriteScope();
                    guard.Dispose();
                    {|KD204:guard.Dispose()|};
                }

                void InOrderAfterTheScope(MmStruct mm, Folio folio)
                {
                    using (mm.PageTableLock.LockScope())
                    {
                    }

                    folio.Lock();
                    folio.Unlock();
                }
            }
            """);

        [Fact]
        public Task ConsumerGuardWithAnAcquiringConstructor() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("buffer_pool", LockKind.Spinning, 850)]

            [LockClass("buffer_pool")]
            sealed class BufferPool
            {
                private readonly TicketLock gate = new(LockClass.Declare("buffer_pool", LockKind.Spinning, 850));

                [Acquires] public void Lock() => gate.Lock();
                [Releases] public void Unlock() => gate.Unlock();
            }

            sealed class PoolGuard : IDisposable
            {
                private readonly BufferPool pool;

                [Acquires]
                public PoolGuard(BufferPool pool)
                {
                    this.pool = pool;
                    pool.Lock();
                }

                [Releases]
                public void Dispose() => pool.Unlock();
            }

            class C
            {
                void Balanced(BufferPool pool)
                {
                    using (new PoolGuard(pool))
                    {
                    }
                }

                void SleepUnderIt(BufferPool pool, Folio folio)
                {
                    using var guard = new PoolGuard(pool);
                    {|KD203:folio.Lock()|};
                    folio.Unlock();
                }

                void Leaked(BufferPool pool)
                {
                    var guard = {|KD204:new PoolGuard(pool)|};
                }
            }
            """);

        /// <summary>
        /// A guard's dispose is a read the compiler adds where the scope ends, with the declaration's syntax: the local
        /// must count as live to the end of its scope, or what the engine knows of it is forgotten before the dispose
        /// (and the dispose then releases nothing). Top-level statements are a scope with no block around them.
        /// </summary>
        [Fact]
        public Task GuardsLiveToTheEndOfTheirScope()
        {
            const string Source = """
                using System;

                var mm = new MmStruct();
                using var guard = mm.MmapLock.ReadScope();
                var vma = mm.FindVma(0x1000);
                Console.WriteLine(vma is null ? "none" : "found");

                static class Nested
                {
                    public static int InABlock(MmStruct mm, Folio folio, bool flag)
                    {
                        if (flag)
                        {
                            using var guard = mm.MmapLock.WriteScope();
                            var vma = mm.FindVma(0x1000);
                            if (vma is null)
                                return -Errno.EFAULT;
                        }

                        folio.Lock();
                        folio.Unlock();
                        return 0;
                    }
                }
                """;
            var test = new Verify.Test { TestCode = Source };
            test.TestState.OutputKind = OutputKind.ConsoleApplication;
            FrameworkTestSetup.UseReferences(test, TestProject.RunningFrameworkReferences);
            return test.RunAsync();
        }
    }
}
