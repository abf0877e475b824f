using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;
using VerifyFix = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.WarnOnceAndRecoverCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD301Tests
    {
        [Fact]
        public Task BugOnWhereAnErrorCanBeReturned() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // Seed 001's shape: the folio must have been consumed — but a retry can fail with -ENOMEM.
                int Mcopy(ShmemInode file, long index, Folio? page)
                {
                    int err = file.AcctBlocks(1);
                    {|#0:Kernel.BugOn(page != null)|};
                    return err;
                }

                VmFault Fault(Folio folio) { {|KD301:Kernel.BugOn(folio.IsFreed)|}; return VmFault.None; }

                bool TryInstall(Folio folio) { {|KD301:Kernel.BugOn(folio.MapCount < 0)|}; return true; }
            }
            """,
            Verify.Diagnostic("KD301").WithLocation(0).WithArguments("Kernel.BugOn(page != null)", "-Errno.EINVAL"));

        [Fact]
        public Task WhereNothingCanBeReturnedOrKD102AlreadySaysIt() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Check(Folio folio) => Kernel.BugOn(folio.IsFreed);          // void: nothing to return

                C(Folio folio) { Kernel.BugOn(folio.IsFreed); }                   // a constructor

                int Recovering(Folio folio)
                {
                    if (Kernel.WarnOnOnce(folio.IsFreed))
                        return -Errno.EINVAL;
                    System.Diagnostics.Debug.Assert(folio.MapCount >= 0);          // not a Runtime assertion
                    return 0;
                }

                void Crash(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    {|KD102:Kernel.BugOn(pte == null)|};                           // KD102's: a crash on a failed map
                    pte.Unlock();
                }

                int CrashOnFailedMap(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    {|KD102:Kernel.BugOn(pte == null)|};                           // reported once, as KD102
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task FixWarnsOnceAndReturnsTheMethodsError() => VerifyFix.VerifyCodeFixAsync("""
            class C
            {
                int Install(ShmemInode file, long index, Folio folio)
                {
                    {|KD301:Kernel.BugOn(file.AddToPageCache(index, folio) != 0)|};
                    return 0;
                }

                VmFault Fault(Folio folio)
                {
                    {|KD301:Kernel.BugOn(folio.IsFreed)|};
                    return VmFault.None;
                }

                bool Ok(Folio folio)
                {
                    {|KD301:Kernel.BugOn(folio.MapCount < 0)|};
                    return true;
                }
            }
            """, """
            class C
            {
                int Install(ShmemInode file, long index, Folio folio)
                {
                    if (Kernel.WarnOnOnce(file.AddToPageCache(index, folio) != 0))
                        return -Errno.EINVAL;
                    return 0;
                }

                VmFault Fault(Folio folio)
                {
                    if (Kernel.WarnOnOnce(folio.IsFreed))
                        return VmFault.SigBus;
                    return VmFault.None;
                }

                bool Ok(Folio folio)
                {
                    if (Kernel.WarnOnOnce(folio.MapCount < 0))
                        return false;
                    return true;
                }
            }
            """);
    }
}
