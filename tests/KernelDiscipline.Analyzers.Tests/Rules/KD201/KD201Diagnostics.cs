using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD201
{
    /// <summary>KD201 (Take locks in the declared order): code the rule flags, and where.</summary>
    public class KD201Diagnostics
    {
        [Fact]
        public Task PmdLockUnderThePtl() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Bad(Pmd pmd, ulong addr)
                {
                    var pte = {|#1:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    var pmdLock = {|#0:pmd.Lock()|};
                    pmdLock.Unlock();
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD201").WithLocation(0).WithLocation(1).WithArguments("pmd.Lock()", "pmd_lock", "ptl", "5"));

        [Fact]
        public Task SleepingUnderSpinningIsReportedOnceAsKD203() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Bad(MmStruct mm, Pmd pmd)
                {
                    var pmdLock = pmd.Lock();
                    {|KD203:mm.MmapLock.DownRead()|};
                    mm.MmapLock.UpRead();
                    pmdLock.Unlock();
                }
            }
            """);

        [Fact]
        public Task FolioLockUnderTheAnonVmaRwsem() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Bad(Vma vma, Folio folio)
                {
                    vma.AnonVma!.Rwsem.DownWrite();
                    {|KD201:folio.Lock()|};
                    folio.Unlock();
                    vma.AnonVma.Rwsem.UpWrite();
                }
            }
            """);

        [Fact]
        public Task ConsumerClassPlacedInTheOrder() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("buffer_pool", LockKind.Spinning, 850)]

            sealed class Pool
            {
                [LockClass("buffer_pool")]
                public TicketLock Lock { get; } = new TicketLock(LockClass.Declare("buffer_pool", LockKind.Spinning, 850));
            }

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
            """);
    }
}
