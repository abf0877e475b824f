using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.SwapAcquisitionsCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD201
{
    /// <summary>KD201's fix, SwapAcquisitionsCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD201CodeFix
    {
        [Fact]
        public Task AdjacentAcquisitionsAreSwapped() => Verify.VerifyCodeFixAsync("""
            class C
            {
                void Reclaim(Vma vma, Folio folio)
                {
                    vma.AnonVma!.Rwsem.DownWrite();
                    {|KD201:folio.Lock()|};
                    folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }

                void Pmds(Pmd pmd, Pool pool)
                {
                    pool.Lock.Lock();
                    var pmdLock = {|KD201:pmd.Lock()|};
                    pmdLock.Unlock();
                    pool.Lock.Unlock();
                }
            }

            sealed class Pool
            {
                [LockClass(LockClass.PtlName)]
                public TicketLock Lock { get; } = new TicketLock(LockClass.Ptl);
            }
            """,
            """
            class C
            {
                void Reclaim(Vma vma, Folio folio)
                {
                    folio.Lock();
                    vma.AnonVma!.Rwsem.DownWrite();
                    folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }

                void Pmds(Pmd pmd, Pool pool)
                {
                    var pmdLock = pmd.Lock();
                    pool.Lock.Lock();
                    pmdLock.Unlock();
                    pool.Lock.Unlock();
                }
            }

            sealed class Pool
            {
                [LockClass(LockClass.PtlName)]
                public TicketLock Lock { get; } = new TicketLock(LockClass.Ptl);
            }
            """);

        [Fact]
        public Task NoFixWhenCodeRunsBetweenTheAcquisitions() => Verify.VerifyCodeFixAsync("""
            class C
            {
                void Reclaim(Vma vma, Folio folio, int[] log)
                {
                    vma.AnonVma!.Rwsem.DownWrite();
                    log[0]++;
                    {|KD201:folio.Lock()|};
                    folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }
            }
            """,
            """
            class C
            {
                void Reclaim(Vma vma, Folio folio, int[] log)
                {
                    vma.AnonVma!.Rwsem.DownWrite();
                    log[0]++;
                    {|KD201:folio.Lock()|};
                    folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }
            }
            """);
    }
}
